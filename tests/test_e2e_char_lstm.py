"""End to end: a character-level LSTM language model learns text generated from a small copy grammar.

Embedding -> 2-layer LSTM (batch_first) -> Linear, cross-entropy, clip_grad_norm_, Adam. The text is a run of
statements ``W=W;`` with ``W -> L L L`` and ``L -> a | b | c | d | e | f``, the same word on both sides. The first
word's letters are random (log 6 nats each); the copy is fully determined, but only by what came four characters
earlier. A model that remembers reaches a perplexity of 6 ** (3/8) = 1.96 per character; one that cannot carry
information back through time (a broken gradient through the recurrence: measured 3.75 with BPTT cut to one
step) cannot beat 6 ** (6/8) = 3.83, and the bigram model of the text is worse still (about 7.3).
"""
import math

import numpy as np

import ember

LETTERS = list('abcdef')


def _text(r, n_statements: int) -> str:
    out = []
    for _ in range(n_statements):
        w = ''.join(r.choice(LETTERS, 3))
        out.append(f"{w}={w};")
    return ''.join(out)


def _ngram_perplexity(train: np.ndarray, val: np.ndarray, vocab: int, order: int) -> float:
    """Perplexity on ``val`` of the add-one-smoothed unigram (order 1) or bigram (order 2) model of ``train``."""
    if order == 1:
        p = (np.bincount(train, minlength=vocab) + 1) / (train.size + vocab)
        return float(math.exp(-np.log(p[val]).mean()))
    counts = np.ones((vocab, vocab))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    p = counts / counts.sum(1, keepdims=True)
    return float(math.exp(-np.log(p[val[:-1], val[1:]]).mean()))


class CharLM(ember.nn.Module):
    def __init__(self, vocab: int, embed: int = 16, hidden: int = 64):
        super().__init__()
        self.emb = ember.nn.Embedding(vocab, embed)
        self.lstm = ember.nn.LSTM(embed, hidden, num_layers=2, batch_first=True)
        self.head = ember.nn.Linear(hidden, vocab)

    def forward(self, x):
        out, _ = self.lstm(self.emb(x))
        return self.head(out)


def test_char_lstm_language_model_learns_grammar():
    ember.manual_seed(0)
    r = np.random.default_rng(0)
    train_text, val_text = _text(r, 3000), _text(r, 300)
    chars = sorted(set(train_text + val_text))
    lookup = {c: i for i, c in enumerate(chars)}
    train = np.array([lookup[c] for c in train_text])
    val = np.array([lookup[c] for c in val_text])
    vocab = len(chars)
    unigram = _ngram_perplexity(train, val, vocab, 1)
    bigram = _ngram_perplexity(train, val, vocab, 2)

    model = CharLM(vocab)
    opt = ember.optim.Adam(model.parameters(), lr=0.01)
    seq, batch = 48, 32
    for _ in range(200):
        starts = r.integers(0, train.size - seq - 1, batch)
        idx = starts[:, None] + np.arange(seq + 1)[None, :]
        chunk = ember.tensor(train[idx])
        logits = model(chunk[:, :-1])
        loss = ember.nn.functional.cross_entropy(logits.reshape(-1, vocab), chunk[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        ember.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    model.eval()
    with ember.no_grad():
        x = ember.tensor(val[None, :-1])
        logits = model(x)
        nll = ember.nn.functional.cross_entropy(logits.reshape(-1, vocab), ember.tensor(val[1:]))
    ppl = math.exp(nll.item())
    floor, memoryless = 6 ** (3 / 8), 6 ** (6 / 8)
    # Measured: 1.97, against 7.35 (bigram) and 8.0 (unigram).
    assert floor - 0.01 < ppl < 0.65 * memoryless, (ppl, floor, memoryless)
    assert ppl < bigram / 3 and ppl < unigram / 3, (ppl, bigram, unigram)
