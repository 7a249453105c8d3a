#!/usr/bin/python3
"""Trains the demo's default model: a small Llama (llama2.c's architecture) on the King James Bible.

Run with Debian's PyTorch on CPU (PyPI is not needed):
    apt-get install -y python3-torch bible-kjv
    nice -n 19 /usr/bin/python3 examples/model/train.py

It writes, next to this file,
    kjv-model.bin      the weights, llama2.c's checkpoint format (version 0, float32, shared classifier)
    kjv-tokenizer.bin  the tokenizer, llama2.c's tokenizer.bin format (a BPE vocabulary trained here)
    kjv-train.json     what was trained and how it went (config, time, losses, sample text)
and the fixtures the tests compare the C++/wasm engine against, in tests/fixtures/model/:
    forward.json       the PyTorch model's logits (float64 forward pass) for a fixed prompt
    tokenizer.json     texts and their token ids under this script's encoder

The corpus is the King James Version from Debian's `bible-kjv-text` package (read through its
`bible` program from `bible-kjv`); the translation of 1611 is in the public domain.

The model and tokenizer mirror llama2.c (model.py, run.c) exactly where the C++ engine must agree:
RMSNorm with eps 1e-5, rotary embeddings on interleaved pairs with theta 10000, grouped-query
attention, SwiGLU, a classifier tied to the token embedding; BPE merges applied by llama2.c's
greedy highest-score rule, with sentencepiece's dummy space prefix and byte fallback.
"""
import argparse
import json
import math
import os
import re
import struct
import subprocess
import sys
import time
from collections import Counter

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, '..', '..', 'tests', 'fixtures', 'model')
BOS, EOS = 1, 2


# ---------------------------------------------------------------- corpus

def read_kjv():
    """The KJV as chapters, each a list of verses (verse numbers dropped, one verse per line)."""
    try:
        out = subprocess.run(['bible', '-l100000', 'Gen1:1-Rev22:21'], check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit('train.py: the `bible` program is missing: apt-get install -y bible-kjv')
    chapters, verses = [], []
    for line in out.splitlines():
        m = re.match(r'^\s+\d+ (.*)$', line)
        if m:
            verses.append(m.group(1).strip())
        elif line.strip() and verses:  # a "Book N" heading closes the chapter before it
            chapters.append(verses)
            verses = []
    if verses:
        chapters.append(verses)
    return ['\n'.join(v) for v in chapters]


# ---------------------------------------------------------------- tokenizer

# Pre-tokens: a word with its leading space, a digit, a punctuation mark with its leading space, or
# one whitespace character. Merges never cross them, so every vocabulary piece lies within one, and
# llama2.c's greedy merge over a whole text equals the concatenation of per-piece encodings.
PIECE = re.compile(r" ?[^\W\d_]+| ?\d| ?[^\s\w]|\s|_")


def train_bpe(texts, vocab_size):
    """Vocabulary: <unk> <s> </s>, 256 byte tokens, every character of the corpus, then merges.
    Scores: 0 for characters, -rank for merges (earlier merges score higher, as in sentencepiece)."""
    words = Counter()
    for t in texts:
        words.update(PIECE.findall(' ' + t))
    chars = sorted({c for w in words for c in w})
    vocab = ['<unk>', '<s>', '</s>'] + [f'<0x{b:02X}>' for b in range(256)] + chars
    scores = [0.0] * len(vocab)
    seqs = {w: list(w) for w in words}
    known = set(vocab)
    rank = 0
    while len(vocab) < vocab_size:
        pairs = Counter()
        for w, n in words.items():
            s = seqs[w]
            for a, b in zip(s, s[1:]):
                pairs[a, b] += n
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merged = a + b
        for w in words:
            s = seqs[w]
            if len(s) < 2:
                continue
            i, out = 0, []
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
        if merged not in known:
            rank += 1
            known.add(merged)
            vocab.append(merged)
            scores.append(-float(rank))
    return vocab, scores


class Encoder:
    """llama2.c's encode(), in Python (see cpp/model/tokenizer.h for the rules)."""

    def __init__(self, vocab, scores):
        self.vocab, self.scores = vocab, scores
        self.ids = {}
        for i, p in enumerate(vocab):
            self.ids.setdefault(p, i)
        self.cache = {}

    def _merge(self, ids):
        while True:
            best, best_id, at = -1e10, -1, -1
            for i in range(len(ids) - 1):
                j = self.ids.get(self.vocab[ids[i]] + self.vocab[ids[i + 1]], -1)
                if j >= 0 and self.scores[j] > best:
                    best, best_id, at = self.scores[j], j, i
            if best_id < 0:
                return ids
            ids[at:at + 2] = [best_id]

    def _piece(self, piece):
        if piece not in self.cache:
            ids = []
            for ch in piece:
                if ch in self.ids:
                    ids.append(self.ids[ch])
                else:
                    ids.extend(b + 3 for b in ch.encode('utf-8'))
            self.cache[piece] = self._merge(ids)
        return self.cache[piece]

    def encode(self, text, bos=True, eos=False):
        ids = [BOS] if bos else []
        if text:
            for piece in PIECE.findall(' ' + text):
                ids.extend(self._piece(piece))
        if eos:
            ids.append(EOS)
        return ids

    def encode_exact(self, text, bos=True, eos=False):
        """The same without the per-piece shortcut: llama2.c's algorithm over the whole text."""
        ids = [self.ids[' ']] if text else []
        for ch in text:
            ids.extend([self.ids[ch]] if ch in self.ids else [b + 3 for b in ch.encode('utf-8')])
        return ([BOS] if bos else []) + self._merge(ids) + ([EOS] if eos else [])

    def decode(self, ids):
        out, prev = b'', -1
        for t in ids:
            if t in (BOS, EOS):  # markers, not text (llama2.c prints neither)
                prev = t
                continue
            p = self.vocab[t]
            if prev == BOS and p.startswith(' '):
                p = p[1:]
            m = re.fullmatch(r'<0x([0-9A-F]{2})>', p)
            out += bytes([int(m.group(1), 16)]) if m else p.encode('utf-8')
            prev = t
        return out.decode('utf-8', errors='replace')


def write_tokenizer(path, vocab, scores):
    pieces = [p.encode('utf-8') for p in vocab]
    with open(path, 'wb') as f:
        f.write(struct.pack('i', max(len(p) for p in pieces)))
        for p, s in zip(pieces, scores):
            f.write(struct.pack('fi', s, len(p)))
            f.write(p)


# ---------------------------------------------------------------- model (llama2.c's model.py, compact)

class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_size, seq_len, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_size, 2)[: head_size // 2].float() / head_size))
    angles = torch.outer(torch.arange(seq_len).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    # x: (batch, time, heads, head_size); rotate consecutive pairs (x[2i], x[2i+1]).
    xr, xi = x.reshape(*x.shape[:-1], -1, 2).unbind(-1)
    cos, sin = cos[None, :, None, :].to(x.dtype), sin[None, :, None, :].to(x.dtype)
    return torch.stack([xr * cos - xi * sin, xr * sin + xi * cos], dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        hs = c['dim'] // c['n_heads']
        self.attention_norm = RMSNorm(c['dim'])
        self.wq = nn.Linear(c['dim'], c['n_heads'] * hs, bias=False)
        self.wk = nn.Linear(c['dim'], c['n_kv_heads'] * hs, bias=False)
        self.wv = nn.Linear(c['dim'], c['n_kv_heads'] * hs, bias=False)
        self.wo = nn.Linear(c['n_heads'] * hs, c['dim'], bias=False)
        self.ffn_norm = RMSNorm(c['dim'])
        self.w1 = nn.Linear(c['dim'], c['hidden_dim'], bias=False)
        self.w2 = nn.Linear(c['hidden_dim'], c['dim'], bias=False)
        self.w3 = nn.Linear(c['dim'], c['hidden_dim'], bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        c = self.c
        hs = c['dim'] // c['n_heads']
        h = self.attention_norm(x)
        q = apply_rope(self.wq(h).view(B, T, c['n_heads'], hs), cos, sin)
        k = apply_rope(self.wk(h).view(B, T, c['n_kv_heads'], hs), cos, sin)
        v = self.wv(h).view(B, T, c['n_kv_heads'], hs)
        rep = c['n_heads'] // c['n_kv_heads']
        k, v = k.repeat_interleave(rep, dim=2), v.repeat_interleave(rep, dim=2)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs) + mask[:T, :T]
        out = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(B, T, -1)
        x = x + self.wo(out)
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.tok_embeddings = nn.Embedding(c['vocab_size'], c['dim'])
        self.layers = nn.ModuleList(Block(c) for _ in range(c['n_layers']))
        self.norm = RMSNorm(c['dim'])
        self.output = nn.Linear(c['dim'], c['vocab_size'], bias=False)
        self.output.weight = self.tok_embeddings.weight  # shared classifier
        cos, sin = rope_tables(c['dim'] // c['n_heads'], c['seq_len'])
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        self.register_buffer('mask', torch.triu(torch.full((c['seq_len'], c['seq_len']), float('-inf')), 1), persistent=False)
        self.apply(self._init)
        for name, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if name.endswith('wo.weight') or name.endswith('w2.weight'):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * c['n_layers']))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, tokens):
        T = tokens.shape[1]
        x = self.tok_embeddings(tokens)
        cos, sin, mask = self.cos[:T], self.sin[:T], self.mask.to(x.dtype)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return self.output(self.norm(x))


def export_checkpoint(model, path):
    """llama2.c's legacy_export (version 0)."""
    c = model.c
    with open(path, 'wb') as f:
        f.write(struct.pack('7i', c['dim'], c['hidden_dim'], c['n_layers'], c['n_heads'], c['n_kv_heads'],
                            c['vocab_size'], c['seq_len']))  # positive vocab_size: shared classifier

        def put(t):
            f.write(t.detach().to(torch.float32).contiguous().numpy().tobytes())
        put(model.tok_embeddings.weight)
        for name in ['attention_norm.weight', 'wq.weight', 'wk.weight', 'wv.weight', 'wo.weight',
                     'ffn_norm.weight', 'w1.weight', 'w2.weight', 'w3.weight']:
            for layer in model.layers:
                put(layer.get_parameter(name))
        put(model.norm.weight)
        put(model.cos[: c['seq_len']])
        put(model.sin[: c['seq_len']])


# ---------------------------------------------------------------- training

@torch.no_grad()
def generate(model, enc, prompt, n, temperature=0.8, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = enc.encode(prompt)
    for _ in range(n):
        logits = model(torch.tensor([ids[-model.c['seq_len']:]]))[0, -1] / temperature
        nxt = int(torch.multinomial(F.softmax(logits, -1), 1, generator=g))
        if nxt == BOS:
            break
        ids.append(nxt)
    return enc.decode(ids)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dim', type=int, default=160)
    ap.add_argument('--layers', type=int, default=5)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--kv-heads', type=int, default=2)
    ap.add_argument('--hidden', type=int, default=448)
    ap.add_argument('--vocab', type=int, default=1024)
    ap.add_argument('--seq-len', type=int, default=256)
    ap.add_argument('--train-len', type=int, default=128, help='tokens per training window (<= seq-len)')
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seconds', type=float, default=780, help='training time budget (wall clock)')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=1337)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.time()

    chapters = read_kjv()
    vocab, scores = train_bpe(chapters, args.vocab)
    enc = Encoder(vocab, scores)
    data = torch.tensor([t for ch in chapters for t in enc.encode(ch)], dtype=torch.long)
    split = int(len(data) * 0.95)
    train, val = data[:split], data[split:]
    chars = sum(len(ch) for ch in chapters)
    print(f'corpus: {len(chapters)} chapters, {chars} characters, {len(data)} tokens '
          f'({chars / len(data):.2f} chars/token), vocab {len(vocab)}; tokenizer took {time.time() - started:.0f} s', flush=True)

    c = dict(dim=args.dim, hidden_dim=args.hidden, n_layers=args.layers, n_heads=args.heads,
             n_kv_heads=args.kv_heads, vocab_size=len(vocab), seq_len=args.seq_len)
    model = Llama(c)
    params = sum(p.numel() for p in model.parameters())
    print(f'model: {c}, {params} parameters', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)

    def batch(src):
        ix = torch.randint(len(src) - args.train_len - 1, (args.batch,))
        x = torch.stack([src[i:i + args.train_len] for i in ix])
        y = torch.stack([src[i + 1:i + args.train_len + 1] for i in ix])
        return x, y

    @torch.no_grad()
    def val_loss():
        model.eval()
        g = torch.Generator().manual_seed(0)
        losses = []
        for _ in range(20):
            ix = torch.randint(len(val) - args.train_len - 1, (args.batch,), generator=g)
            x = torch.stack([val[i:i + args.train_len] for i in ix])
            y = torch.stack([val[i + 1:i + args.train_len + 1] for i in ix])
            losses.append(F.cross_entropy(model(x).view(-1, c['vocab_size']), y.view(-1)).item())
        model.train()
        return sum(losses) / len(losses)

    t0, step, log = time.time(), 0, []
    warmup = 100
    while True:
        elapsed = time.time() - t0
        if elapsed > args.seconds:
            break
        # Linear warmup, then cosine decay over the time budget (the step count is not known ahead).
        frac = min(elapsed / args.seconds, 1.0)
        lr = args.lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for group in opt.param_groups:
            group['lr'] = lr
        x, y = batch(train)
        loss = F.cross_entropy(model(x).view(-1, c['vocab_size']), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0:
            log.append({'step': step, 'seconds': round(elapsed), 'train_loss': round(loss.item(), 4)})
            print(f'step {step}  {elapsed:5.0f} s  loss {loss.item():.4f}  lr {lr:.2e}', flush=True)
        step += 1
    train_seconds = time.time() - t0
    final_val = val_loss()
    print(f'trained {step} steps ({step * args.batch * args.train_len} tokens) in {train_seconds:.0f} s; '
          f'validation loss {final_val:.4f}', flush=True)

    model.eval()
    sample = generate(model, enc, 'And God said', 60)
    print('sample:', sample)
    export_checkpoint(model, os.path.join(HERE, 'kjv-model.bin'))
    write_tokenizer(os.path.join(HERE, 'kjv-tokenizer.bin'), vocab, scores)
    with open(os.path.join(HERE, 'kjv-train.json'), 'w') as f:
        json.dump({'command': ' '.join(['examples/model/train.py'] + sys.argv[1:]), 'config': c, 'parameters': params,
                   'corpus': 'King James Version (Debian bible-kjv-text), public domain',
                   'corpus_tokens': len(data), 'steps': step, 'train_tokens': step * args.batch * args.train_len,
                   'train_seconds': round(train_seconds), 'total_seconds': round(time.time() - started),
                   'threads': args.threads, 'final_train_loss': log[-1]['train_loss'] if log else None,
                   'final_val_loss': round(final_val, 4), 'sample': sample, 'log': log}, f, indent=1)
        f.write('\n')
    write_fixtures(model, enc)


def write_fixtures(model, enc):
    """The PyTorch reference the engine is tested against (float64 forward of the float32 weights)."""
    os.makedirs(FIXTURES, exist_ok=True)
    prompt = 'And God said, Let there be light'
    ids = enc.encode(prompt)
    with torch.no_grad():
        logits = model.double()(torch.tensor([ids]))[0]
    model.float()
    with open(os.path.join(FIXTURES, 'forward.json'), 'w') as f:
        json.dump({'model': 'examples/model/kjv-model.bin', 'prompt': prompt, 'tokens': ids,
                   'note': 'logits[i] are the next-token logits after tokens[0..i], float64 forward of the float32 weights',
                   'logits': [[round(v, 7) for v in row.tolist()] for row in logits]}, f)
        f.write('\n')
    texts = ['In the beginning God created the heaven and the earth.', 'Jesus wept.',
             'And the LORD spake unto Moses, saying,\nSpeak unto the children of Israel.',
             'naïve café — 3½ ☃ zebra quux', '  two  spaces', '']
    cases = []
    for t in texts:
        ids = enc.encode(t)
        assert ids == enc.encode_exact(t), f'per-piece encoding differs from the whole-text rule for {t!r}'
        assert enc.decode(ids) == t, f'round trip failed for {t!r}'
        cases.append({'text': t, 'tokens': ids})
    with open(os.path.join(FIXTURES, 'tokenizer.json'), 'w') as f:
        json.dump({'tokenizer': 'examples/model/kjv-tokenizer.bin', 'bos': True, 'cases': cases}, f, indent=1, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
