// Whether one sampling option is valid, by the library's own rules: the page never restates a
// range, it asks logitkit (creating a sampler validates every option and names the one at fault).

/** The lk.sample options the demo's controls set, from the page state. */
export function samplingOf(state) {
  return {
    temperature: state.temperature,
    topK: state.topK,
    topP: state.topP,
    minP: state.minP,
    seed: state.seed,
  };
}

/**
 * '' when `name: value` is valid together with the other settings of `state`, else the library's
 * message without its "createSampler: " prefix.
 */
export function optionProblem(lk, state, name, value) {
  let sampler;
  try {
    sampler = lk.createSampler({ ...samplingOf(state), [name]: value });
    return '';
  } catch (error) {
    if (error?.argument !== `options.${name}`) return '';
    return String(error.message).replace(/^[\w.]+: /, '');
  } finally {
    sampler?.dispose();
  }
}
