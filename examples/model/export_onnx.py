#!/usr/bin/python3
"""Exports the demo's default model (kjv-model.bin + kjv-tokenizer.bin) as a Hugging Face-style
causal-LM folder that transformers.js and onnxruntime load from local files.

Run with Debian's PyTorch and ONNX (no download):
    apt-get install -y python3-torch python3-onnx
    /usr/bin/python3 examples/model/export_onnx.py [--out DIR]     (or: npm run export:onnx)

It writes, into examples/model/kjv-onnx/ by default,
    onnx/model.onnx          the graph: input_ids, attention_mask, position_ids,
                             past_key_values.{i}.key/value -> logits, present.{i}.key/value
    config.json              model_type "llama" shapes (what transformers.js reads to build the cache)
    generation_config.json   BOS (1) and EOS (2) both end a generation, as llama2.c's run.c stops
    tokenizer.json           a BPE that encodes exactly as cpp/model/tokenizer.cpp (llama2.c's rules)
    tokenizer_config.json    special tokens, left padding, no clean-up of spaces

The graph computes what cpp/model/transformer.cpp computes (llama2.c's run.c): RMSNorm (eps 1e-5),
rotary embeddings on interleaved pairs (x[2i], x[2i+1]) with the checkpoint's own cos/sin tables,
grouped-query attention (query head h reads key/value head h // (n_heads / n_kv_heads)), SwiGLU, a
classifier tied to the embedding. So the weights are the checkpoint's float32 values unchanged; a
Llama checkpoint of Hugging Face's layout (rotate_half RoPE, permuted q/k rows) is a different
model and this folder has no such weights, only the ONNX graph.

Masking: a key j is visible to the query at absolute position p when j <= p and
attention_mask[b, j] = 1; masked scores get float32's lowest value (not -inf), so a row whose keys
are all masked (a left-padding position) stays finite instead of turning NaN.

The output is deterministic: running this again on the same inputs writes identical bytes
(`--check` compares a fresh export with the files in --out and exits 1 on any difference).
"""
import argparse
import filecmp
import json
import os
import struct
import sys
import tempfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
BOS, EOS = 1, 2


# ---------------------------------------------------------------- reading llama2.c's files

def read_checkpoint(path):
    """llama2.c's version-0 checkpoint (cpp/model/config.h): header and float32 tensors."""
    with open(path, 'rb') as f:
        data = f.read()
    dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len = struct.unpack_from('7i', data, 0)
    shared = vocab > 0
    vocab = abs(vocab)
    c = dict(dim=dim, hidden_dim=hidden, n_layers=n_layers, n_heads=n_heads, n_kv_heads=n_kv_heads,
             vocab_size=vocab, seq_len=seq_len, shared_classifier=shared)
    hs = dim // n_heads
    kv_dim = hs * n_kv_heads
    weights = torch.frombuffer(bytearray(data[28:]), dtype=torch.float32)
    at = 0

    def take(*shape):
        nonlocal at
        n = 1
        for s in shape:
            n *= s
        t = weights[at:at + n].view(*shape).clone()
        at += n
        return t
    w = {'tok_embeddings': take(vocab, dim)}
    for name, shape in [('attention_norm', (dim,)), ('wq', (dim, dim)), ('wk', (kv_dim, dim)),
                        ('wv', (kv_dim, dim)), ('wo', (dim, dim)), ('ffn_norm', (dim,)),
                        ('w1', (hidden, dim)), ('w2', (dim, hidden)), ('w3', (hidden, dim))]:
        w[name] = take(n_layers, *shape)
    w['norm'] = take(dim)
    w['cos'] = take(seq_len, hs // 2)
    w['sin'] = take(seq_len, hs // 2)
    w['output'] = w['tok_embeddings'] if shared else take(vocab, dim)
    if at != weights.numel():
        sys.exit(f'export_onnx.py: {path} has {weights.numel() - at} floats more than its header says')
    return c, w


def read_tokenizer(path, vocab_size):
    """llama2.c's tokenizer.bin: the pieces and their merge scores."""
    with open(path, 'rb') as f:
        data = f.read()
    at = 4
    pieces, scores = [], []
    for _ in range(vocab_size):
        score, length = struct.unpack_from('fi', data, at)
        at += 8
        pieces.append(data[at:at + length].decode('utf-8'))
        scores.append(score)
        at += length
    return pieces, scores


# ---------------------------------------------------------------- tokenizer.json

def byte_piece(piece):
    return len(piece) == 6 and piece.startswith('<0x') and piece.endswith('>')


def tokenizer_json(pieces, scores):
    """A Hugging Face BPE with llama2.c's encode() rules (cpp/model/tokenizer.h).

    llama2.c merges, over the whole text, the adjacent pair whose concatenation is a vocabulary
    piece of the highest score (the leftmost on ties). A BPE merge list ranks pairs instead: every
    split a + b of every piece t, ranked by t's score, highest first (Python's sort is stable, so
    splits of one piece keep their order, shortest left part first). Both pick the same pair
    whenever the best candidates are splits of different pieces; the tests compare the two
    encoders on many strings.

    The rest of llama2.c's rules: a " " dummy prefix on non-empty text (normalizer Prepend), no
    pre-tokenizer (merges see the whole text), byte fallback "<0xHH>" for code points with no piece,
    BOS first (post-processor). <unk>, <s> and </s> are ordinary vocabulary entries, not added
    tokens: an added token would be cut out of the text before BPE, and llama2.c encodes the text
    "<s>" as characters. tokenizer_config.json lists them as special, for decode().
    """
    ids = {}
    for i, p in enumerate(pieces):
        ids.setdefault(p, i)
    if len(ids) != len(pieces):
        sys.exit('export_onnx.py: the vocabulary has duplicate pieces; a tokenizer.json cannot map them')
    merges = []
    for t, piece in enumerate(pieces):
        for k in range(1, len(piece)):
            a, b = piece[:k], piece[k:]
            if a in ids and b in ids:
                if byte_piece(a) or byte_piece(b):
                    # llama2.c would merge a byte token with text; a BPE applies byte fallback after
                    # merging, so it could not reproduce this.
                    sys.exit(f'export_onnx.py: piece {piece!r} merges a byte token; not expressible')
                merges.append((scores[t], t, k, [a, b]))
    merges.sort(key=lambda m: -m[0])
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [],
        'normalizer': {'type': 'Prepend', 'prepend': ' '},
        'pre_tokenizer': None,
        'model': {
            'type': 'BPE', 'dropout': None, 'unk_token': '<unk>', 'continuing_subword_prefix': None,
            'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': True, 'ignore_merges': False,
            'vocab': ids, 'merges': [m[3] for m in merges],
        },
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '<s>', 'type_id': 1}}, {'Sequence': {'id': 'B', 'type_id': 1}}],
            'special_tokens': {'<s>': {'id': '<s>', 'ids': [BOS], 'tokens': ['<s>']}},
        },
        # llama2.c's decode(): "<0xHH>" is one raw byte; the piece after BOS loses its leading space.
        'decoder': {'type': 'Sequence', 'decoders': [
            {'type': 'ByteFallback'}, {'type': 'Fuse'},
            {'type': 'Strip', 'content': ' ', 'start': 1, 'stop': 0}]},
    }


# ---------------------------------------------------------------- the graph

class RMSNorm(nn.Module):
    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight)

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))


class CausalLM(nn.Module):
    """llama2.c's transformer over a batch, with a key/value cache in Hugging Face's layout."""

    def __init__(self, c, w):
        super().__init__()
        self.c = c
        self.hs = c['dim'] // c['n_heads']
        self.embed = nn.Parameter(w['tok_embeddings'])
        self.output = self.embed if c['shared_classifier'] else nn.Parameter(w['output'])
        self.layers = nn.ModuleList()
        for l in range(c['n_layers']):
            layer = nn.Module()
            layer.attention_norm = RMSNorm(w['attention_norm'][l])
            layer.ffn_norm = RMSNorm(w['ffn_norm'][l])
            for name in ['wq', 'wk', 'wv', 'wo', 'w1', 'w2', 'w3']:
                layer.register_parameter(name, nn.Parameter(w[name][l]))
            self.layers.append(layer)
        self.norm = RMSNorm(w['norm'])
        self.register_buffer('cos', w['cos'])
        self.register_buffer('sin', w['sin'])

    def rope(self, x, cos, sin):
        # x: (batch, seq, heads, head_size); cos, sin: (batch, seq, head_size / 2).
        pairs = x.reshape(x.shape[0], x.shape[1], x.shape[2], self.hs // 2, 2)
        a, b = pairs[..., 0], pairs[..., 1]
        cos, sin = cos.unsqueeze(2), sin.unsqueeze(2)
        return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).reshape(x.shape)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        c, hs = self.c, self.hs
        heads, kv_heads = c['n_heads'], c['n_kv_heads']
        group = heads // kv_heads
        batch, seq = input_ids.shape[0], input_ids.shape[1]
        x = self.embed[input_ids]
        cos, sin = self.cos[position_ids], self.sin[position_ids]
        # Visibility: key j for the query at cache position total - seq + i.
        total = attention_mask.shape[1]
        keys = torch.arange(total, device=input_ids.device)
        queries = torch.arange(seq, device=input_ids.device) + (total - seq)
        visible = (keys.unsqueeze(0) <= queries.unsqueeze(1)).unsqueeze(0) & (attention_mask.unsqueeze(1) > 0)
        lowest = torch.finfo(torch.float32).min
        bias = ((visible.to(torch.float32) - 1.0) * -lowest).unsqueeze(1).unsqueeze(1)  # (batch, 1, 1, seq, total)
        scale = 1.0 / float(hs) ** 0.5
        present = []
        for l, layer in enumerate(self.layers):
            h = layer.attention_norm(x)
            q = self.rope((h @ layer.wq.t()).reshape(batch, seq, heads, hs), cos, sin)
            k = self.rope((h @ layer.wk.t()).reshape(batch, seq, kv_heads, hs), cos, sin)
            v = (h @ layer.wv.t()).reshape(batch, seq, kv_heads, hs)
            k = torch.cat([past[2 * l], k.transpose(1, 2)], dim=2)  # (batch, kv_heads, total, hs)
            v = torch.cat([past[2 * l + 1], v.transpose(1, 2)], dim=2)
            present += [k, v]
            # Query heads grouped by the key/value head they share: (batch, kv_heads, group, seq, hs).
            qg = q.transpose(1, 2).reshape(batch, kv_heads, group, seq, hs)
            scores = (qg @ k.unsqueeze(2).transpose(-1, -2)) * scale + bias
            out = torch.softmax(scores, dim=-1) @ v.unsqueeze(2)
            out = out.reshape(batch, heads, seq, hs).transpose(1, 2).reshape(batch, seq, heads * hs)
            x = x + out @ layer.wo.t()
            h = layer.ffn_norm(x)
            gate = h @ layer.w1.t()
            x = x + ((gate * torch.sigmoid(gate)) * (h @ layer.w3.t())) @ layer.w2.t()
        # W @ x^T, transposed back: a folded W^T would store the shared embedding a second time.
        logits = (self.output @ self.norm(x).transpose(1, 2)).transpose(1, 2)
        return (logits, *present)


def empty_past(c, batch, length, dtype=torch.float32):
    hs = c['dim'] // c['n_heads']
    return [torch.zeros(batch, c['n_kv_heads'], length, hs, dtype=dtype) for _ in range(2 * c['n_layers'])]


def self_check(model, c):
    """The cached step-by-step forward equals the whole-sequence forward (same graph, float64)."""
    m = model.double()
    ids = torch.tensor([[BOS, 300, 400, 500, 600, 700]])
    n = ids.shape[1]
    full = m(ids, torch.ones(1, n, dtype=torch.long), torch.arange(n).unsqueeze(0), *empty_past(c, 1, 0, torch.float64))[0]
    past = empty_past(c, 1, 0, torch.float64)
    for i in range(n):
        out = m(ids[:, i:i + 1], torch.ones(1, i + 1, dtype=torch.long), torch.tensor([[i]]), *past)
        past = list(out[1:])
        diff = (out[0][0, 0] - full[0, i]).abs().max().item()
        if diff > 1e-9:
            sys.exit(f'export_onnx.py: cached forward differs from the full forward at {i} by {diff}')
    model.float()


# ---------------------------------------------------------------- writing the folder

def export(checkpoint, tokenizer, out):
    c, w = read_checkpoint(checkpoint)
    pieces, scores = read_tokenizer(tokenizer, c['vocab_size'])
    torch.manual_seed(0)
    model = CausalLM(c, w).eval()
    with torch.no_grad():
        self_check(model, c)
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    n_layers = c['n_layers']
    past_names = [f'past_key_values.{l}.{kind}' for l in range(n_layers) for kind in ('key', 'value')]
    present_names = [f'present.{l}.{kind}' for l in range(n_layers) for kind in ('key', 'value')]
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for name in past_names:
        axes[name] = {0: 'batch_size', 2: 'past_sequence_length'}
    for name in present_names:
        axes[name] = {0: 'batch_size', 2: 'total_sequence_length'}
    # Traced with a batch of 2, 3 new tokens after 2 cached ones: every dynamic axis differs.
    example = (torch.tensor([[BOS, 300, 400], [BOS, 500, 600]]), torch.ones(2, 5, dtype=torch.long),
               torch.tensor([[2, 3, 4], [2, 3, 4]]), *empty_past(c, 2, 2))
    path = os.path.join(out, 'onnx', 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(model, example, path, input_names=['input_ids', 'attention_mask', 'position_ids', *past_names],
                          output_names=['logits', *present_names], dynamic_axes=axes, opset_version=14,
                          do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(path))

    hs = c['dim'] // c['n_heads']
    files = {
        'config.json': {
            'architectures': ['LlamaForCausalLM'], 'model_type': 'llama',
            'hidden_size': c['dim'], 'intermediate_size': c['hidden_dim'],
            'num_hidden_layers': n_layers, 'num_attention_heads': c['n_heads'],
            'num_key_value_heads': c['n_kv_heads'], 'head_dim': hs, 'vocab_size': c['vocab_size'],
            'max_position_embeddings': c['seq_len'], 'rms_norm_eps': 1e-5, 'rope_theta': 10000.0,
            'hidden_act': 'silu', 'tie_word_embeddings': c['shared_classifier'],
            'bos_token_id': BOS, 'eos_token_id': EOS, 'torch_dtype': 'float32',
        },
        'generation_config.json': {
            'bos_token_id': BOS, 'eos_token_id': [EOS, BOS], 'max_length': c['seq_len'], 'do_sample': False,
        },
        'tokenizer.json': tokenizer_json(pieces, scores),
        'tokenizer_config.json': {
            'tokenizer_class': 'LlamaTokenizerFast', 'bos_token': '<s>', 'eos_token': '</s>',
            'unk_token': '<unk>', 'pad_token': '</s>', 'additional_special_tokens': ['<unk>', '<s>', '</s>'],
            'add_bos_token': True, 'add_eos_token': False, 'padding_side': 'left',
            'clean_up_tokenization_spaces': False, 'model_max_length': c['seq_len'],
        },
    }
    for name, value in files.items():
        with open(os.path.join(out, name), 'w', encoding='utf-8') as f:
            json.dump(value, f, indent=1 if name != 'tokenizer.json' else None, ensure_ascii=False)
            f.write('\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--checkpoint', default=os.path.join(HERE, 'kjv-model.bin'))
    ap.add_argument('--tokenizer', default=os.path.join(HERE, 'kjv-tokenizer.bin'))
    ap.add_argument('--out', default=os.path.join(HERE, 'kjv-onnx'))
    ap.add_argument('--check', action='store_true', help='export to a scratch folder and compare with --out')
    args = ap.parse_args()
    torch.set_num_threads(1)
    if not args.check:
        export(args.checkpoint, args.tokenizer, args.out)
        print(f'export_onnx.py: wrote {args.out}')
        return
    with tempfile.TemporaryDirectory() as scratch:
        export(args.checkpoint, args.tokenizer, scratch)
        names = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']
        stale = [n for n in names if not os.path.exists(os.path.join(args.out, n))
                 or not filecmp.cmp(os.path.join(scratch, n), os.path.join(args.out, n), shallow=False)]
    if stale:
        sys.exit(f'export_onnx.py: {", ".join(stale)} in {args.out} differ from a fresh export; run it without --check')
    print(f'export_onnx.py: {args.out} matches a fresh export')


if __name__ == '__main__':
    main()
