import type { Compat, SamplingOptions, SequenceBias } from '../sampling/options.js';

export type { Compat, SequenceBias };

/**
 * The sampling options a profile function returns: `SamplingOptions` with the `compat` setting
 * that gives a pasted config its reference's meaning. Pass it to `lk.createSampler(options)` as it is.
 */
export interface ProfileSamplingOptions extends SamplingOptions {
  /** Whose rules apply where the references differ. */
  compat: Exclude<Compat, 'none'>;
}

/** What a profile function returns. */
export interface ProfileResult {
  /** The options, ready for `lk.createSampler(options)`. */
  options: ProfileSamplingOptions;
  /**
   * The keys of the pasted config that the profile knows and leaves out on purpose, because they do
   * not change the next-token distribution (`max_tokens`, `stop`, `stream`, ...), as JSON paths.
   */
  ignored: string[];
}
