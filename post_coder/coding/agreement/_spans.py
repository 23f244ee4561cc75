"""Units counted per rating pattern from a list of codings, for :func:`pattern_report` (the
same closed form, coefficients, interval and flags for every unit): the response x code unit
(:func:`response_counts`) and, for span codings, the character unit and the segment unit.

Both take the codings as parallel integer arrays: ``code`` (the report's code number),
``unit`` (the response's number), ``coder`` (the coder's number), ``start`` and ``end``
(character positions, ``start`` inclusive; a negative ``start`` is a whole-response coding,
which covers every character); ``lengths`` gives each response's length in characters and
``done`` (responses x coders) who marked it done. A coding by a coder who has not marked the
response done is dropped: that coder is missing on the response, never a 0. Spans are cut to
the text.

Character unit
    A unit is one character of a response. For each code, a coder who marked the response done
    rates a character 1 if it lies in one of their codings of the code, else 0. The characters
    between two consecutive span boundaries of a response share one rating pattern, so the
    counts are built from those stretches weighted by their length — never one row per
    character: every response first counts its whole length under its done pattern (nobody
    applied the code), then each stretch some coder covers moves its length to its pattern.

Segment unit
    A coder's segments of a code in a response are their spans of it (overlapping spans of one
    coder merged into one; a whole-response coding is one segment over the whole text).
    Segments of different coders whose overlap — characters in both / characters in either
    (intersection over union) — is at least ``overlap`` are matched into one unit, where the
    matched coders rate 1 and the other done coders 0; a segment matched to nobody is a unit
    of its own (its coder 1, the other done coders 0). Units are formed by greedy complete-
    linkage clustering: every pair of segments of different coders that reaches the threshold
    is taken in order of overlap, highest first (ties: the pair whose segments come first in
    the text, then in coder order), and joins their two clusters when those have no coder in
    common and every segment of one overlaps every segment of the other by at least the
    threshold. So a unit holds at most one segment per coder, and all its segments overlap
    each other enough. A response where no done coder marked a segment of the code is one
    unit where every done coder rates 0: agreeing that a code is absent is agreement, as in
    the response unit (without these units a code everyone applied in the same places would
    have no variation, and its alpha would be undefined).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from post_coder.errors import InputError

def _inputs(lengths: Any, done: Any, code: Any, unit: Any, coder: Any, start: Any,
            end: Any) -> tuple[np.ndarray, ...]:
    """Checked arrays, the codings of coders not done dropped, spans cut to the text and
    whole-response codings made spans over it; empty spans dropped."""
    lengths = np.asarray(lengths, dtype=np.int64)
    done = np.asarray(done, dtype=bool)
    if done.ndim != 2 or done.shape[0] != lengths.shape[0]:
        raise InputError(f"the done mask must be responses x coders ({lengths.shape[0]} "
                         f"responses), not {done.shape}")
    if done.shape[1] > 8:
        raise InputError("span agreement handles up to 8 coders")
    arrays = [np.asarray(a, dtype=np.int64).ravel() for a in (code, unit, coder, start, end)]
    if len({a.shape[0] for a in arrays}) != 1:
        raise InputError("code, unit, coder, start and end must be arrays of one length")
    k, u, g, s, e = arrays
    if k.size and (u.min() < 0 or u.max() >= lengths.shape[0] or g.min() < 0
                   or g.max() >= done.shape[1] or k.min() < 0):
        raise InputError("a coding refers to a response, coder or code that is not there")
    keep = done[u, g]
    length = lengths[u]
    whole = s < 0
    s = np.where(whole, 0, np.clip(s, 0, length))
    e = np.where(whole, length, np.clip(e, 0, length))
    keep &= e > s
    return lengths, done, k[keep], u[keep], g[keep], s[keep], e[keep]


def _order(*columns: tuple[np.ndarray, int]) -> np.ndarray:
    """The order sorting by several non-negative integer columns, most significant first,
    each given with a bound above its values: one argsort of a combined key when it fits in
    64 bits (much faster than lexsort), else lexsort."""
    span = 1
    for _, bound in columns:
        span *= max(1, int(bound))
    if span < 2 ** 62:
        key = np.zeros(columns[0][0].shape, dtype=np.int64)
        for col, bound in columns:
            key = key * max(1, int(bound)) + col
        return np.argsort(key, kind="stable")
    return np.lexsort([col for col, _ in reversed(columns)])


def _done_bits(done: np.ndarray) -> np.ndarray:
    return (done.astype(np.int64) << np.arange(done.shape[1], dtype=np.int64)).sum(axis=1)


def response_counts(n_codes: int, done: Any, code: Any, unit: Any, coder: Any) -> np.ndarray:
    """codes x ``4 ** coders``: the response x code units under each rating pattern, from the
    codings (``code``, ``unit``, ``coder`` arrays; spans do not matter) — the counts
    :func:`binary_report` makes from a codes x units x coders array, without building one:
    every response counts under its done pattern for every code, then each code and response
    somebody applied it to moves to its pattern."""
    code, unit, coder = (np.asarray(a, dtype=np.int64).ravel() for a in (code, unit, coder))
    lengths = np.ones(np.asarray(done).shape[0], dtype=np.int64)
    _, done, k, u, g, _, _ = _inputs(lengths, done, code, unit, coder,
                                     np.full(code.shape, -1), np.full(code.shape, -1))
    n_units, n_coders = done.shape
    width = 4 ** n_coders
    bits = _done_bits(done)
    counts = np.tile(np.bincount(bits, minlength=width).astype(np.float64), (n_codes, 1))
    if k.size == 0:
        return counts
    key = k * n_units + u
    order = np.argsort(key, kind="stable")
    key, who = key[order], (np.int64(1) << g[order])
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.nonzero(first)[0]
    applied = np.bitwise_or.reduceat(who, starts)
    key = key[starts]
    kk, uu = key // n_units, key % n_units
    moved = np.bincount(kk * width + (bits[uu] | (applied << n_coders)),
                        minlength=n_codes * width)
    moved -= np.bincount(kk * width + bits[uu], minlength=n_codes * width)
    return counts + moved.reshape(n_codes, width)


def character_counts(n_codes: int, lengths: Any, done: Any, code: Any, unit: Any, coder: Any,
                     start: Any, end: Any) -> np.ndarray:
    """codes x ``4 ** coders``: the number of characters under each rating pattern, for
    :func:`pattern_report` (see the module for the unit). Only responses two or more coders
    marked done should be passed (the others have no pairable characters)."""
    lengths, done, k, u, g, s, e = _inputs(lengths, done, code, unit, coder, start, end)
    n_units, n_coders = done.shape
    width = 4 ** n_coders
    bits = _done_bits(done)
    base = np.bincount(bits, weights=lengths.astype(np.float64), minlength=width)
    counts = np.tile(base, (n_codes, 1))
    if k.size == 0:
        return counts
    # every span gives two events: its coder's coverage goes up at the start, down at the end
    key = np.concatenate([k * n_units + u] * 2)
    pos = np.concatenate([s, e])
    who = np.concatenate([g, g])
    step = np.concatenate([np.ones_like(s), -np.ones_like(s)])
    order = _order((key, n_codes * n_units), (pos, int(pos.max()) + 1))
    key, pos, who, step = key[order], pos[order], who[order], step[order]
    depth = np.zeros((key.size, n_coders), dtype=np.int32)
    depth[np.arange(key.size), who] = step
    np.cumsum(depth, axis=0, out=depth)  # each key's events sum to 0: no carry-over
    # the state after the last event at a position holds up to the next position
    last = np.ones(key.size, dtype=bool)
    last[:-1] = (key[1:] != key[:-1]) | (pos[1:] != pos[:-1])
    last[-1] = False
    last[:-1] &= key[1:] == key[:-1]  # the key's final position starts no stretch
    i = np.nonzero(last)[0]
    applied = ((depth[i] > 0).astype(np.int64) << (n_coders + np.arange(n_coders))).sum(axis=1)
    i, applied = i[applied > 0], applied[applied > 0]
    weight = (pos[i + 1] - pos[i]).astype(np.float64)
    kk, uu = key[i] // n_units, key[i] % n_units
    moved = np.bincount(kk * width + (bits[uu] | applied), weights=weight,
                        minlength=n_codes * width)
    moved -= np.bincount(kk * width + bits[uu], weights=weight, minlength=n_codes * width)
    return counts + moved.reshape(n_codes, width)


def _merge_own(k: np.ndarray, u: np.ndarray, g: np.ndarray, s: np.ndarray, e: np.ndarray
               ) -> tuple[np.ndarray, ...]:
    """One coder's overlapping spans of a code in a response merged into one segment; the
    segments sorted by code, response, start, coder."""
    n_units = int(u.max(initial=0)) + 1
    group = (k * n_units + u) * 8 + g
    end = int(e.max(initial=0)) + 1
    order = _order((group, int(group.max(initial=0)) + 1), (s, end))
    group, s, e = group[order], s[order], e[order]
    k, u, g = k[order], u[order], g[order]
    first = np.ones(group.size, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    rank = np.cumsum(first) - 1
    reach = np.maximum.accumulate(rank * end + e) - rank * end  # furthest end so far, per group
    new = first.copy()
    new[1:] |= s[1:] >= reach[:-1]
    starts = np.nonzero(new)[0]
    seg_e = np.maximum.reduceat(e, starts) if starts.size else e[:0]
    k, u, g, s = k[starts], u[starts], g[starts], s[starts]
    order = _order((k, int(k.max(initial=0)) + 1), (u, n_units), (s, end), (g, 8))
    return k[order], u[order], g[order], s[order], seg_e[order]


def _pairs(k: np.ndarray, u: np.ndarray, g: np.ndarray, s: np.ndarray, e: np.ndarray,
           overlap: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (a, b), a < b, of segments of one code and response by different coders
    that overlap by at least ``overlap``, with their overlap."""
    n = k.size
    key = k * (u.max(initial=0) + 1) + u
    first = np.ones(n, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.nonzero(first)[0]
    sizes = np.diff(np.append(starts, n))
    group_end = np.repeat(starts + sizes, sizes)
    later = group_end - np.arange(n) - 1          # partners after each segment in its group
    a = np.repeat(np.arange(n), later)
    offset = np.arange(a.size) - np.repeat(np.cumsum(later) - later, later)
    b = a + 1 + offset
    inter = np.minimum(e[a], e[b]) - np.maximum(s[a], s[b])
    union = (e[a] - s[a]) + (e[b] - s[b]) - inter
    iou = np.where(inter > 0, inter / np.maximum(union, 1), 0.0)
    ok = (g[a] != g[b]) & (inter > 0) & (iou >= overlap)
    return a[ok], b[ok], iou[ok]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges (a, b): a label (its lowest node) each."""
    label = np.arange(n)
    while a.size:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]  # jump to the label's label
        if np.array_equal(new, label):
            break
        label = new
    return label


def _greedy(nodes: list[int], edges: list[tuple[float, int, int]], g: np.ndarray,
            s: np.ndarray, e: np.ndarray, overlap: float) -> list[list[int]]:
    """Greedy complete-linkage clusters of one component (see the module)."""
    cluster = {n: [n] for n in nodes}
    where = {n: n for n in nodes}

    def iou(x: int, y: int) -> float:
        inter = min(e[x], e[y]) - max(s[x], s[y])
        return inter / ((e[x] - s[x]) + (e[y] - s[y]) - inter) if inter > 0 else 0.0

    for _, x, y in sorted(edges, key=lambda t: (-t[0], t[1], t[2])):
        cx, cy = where[x], where[y]
        if cx == cy:
            continue
        mx, my = cluster[cx], cluster[cy]
        if {int(g[m]) for m in mx} & {int(g[m]) for m in my}:
            continue
        if any(iou(p, q) < overlap for p in mx for q in my):
            continue
        mx.extend(my)
        for m in my:
            where[m] = cx
        del cluster[cy]
    return list(cluster.values())


def segment_units(lengths: Any, done: Any, code: Any, unit: Any, coder: Any, start: Any,
                  end: Any, overlap: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The segment units (see the module): arrays ``code``, ``unit`` (response) and
    ``applied`` (bit ``g`` set: coder ``g`` has a segment in the unit), sorted by code,
    response and the unit's first position."""
    if not (isinstance(overlap, (int, float)) and 0 < overlap <= 1):
        raise InputError(f"the overlap threshold must be a number above 0 and at most 1 (for "
                         f"example 0.5), not {overlap!r}")
    _, done, k, u, g, s, e = _inputs(lengths, done, code, unit, coder, start, end)
    k, u, g, s, e = _merge_own(k, u, g, s, e)
    n = k.size
    a, b, iou = _pairs(k, u, g, s, e, float(overlap))
    label = _components(n, a, b)
    size = np.bincount(label, minlength=n)
    links = np.bincount(label[a], minlength=n)
    clique = links == size * (size - 1) // 2        # every member matches every other
    member = np.zeros(n, dtype=np.int64)
    np.bitwise_or.at(member, label, np.int64(1) << g)
    roots = np.nonzero((size > 0) & clique & (label == np.arange(n)))[0]
    out_k, out_u, out_m, out_s = [k[roots]], [u[roots]], [member[roots]], [s[roots]]
    messy = np.nonzero(~clique[label[a]])[0]
    if messy.size:  # components where matching is not all-with-all: the greedy rule
        edges: dict[int, list[tuple[float, int, int]]] = {}
        for j in messy.tolist():
            edges.setdefault(int(label[a[j]]), []).append((float(iou[j]), int(a[j]),
                                                           int(b[j])))
        nodes: dict[int, list[int]] = {}
        for x in np.nonzero(~clique[label])[0].tolist():
            nodes.setdefault(int(label[x]), []).append(x)
        extra = []
        for root, members in nodes.items():
            for c in _greedy(members, edges.get(root, []), g, s, e, float(overlap)):
                first = min(c)
                extra.append((k[first], u[first], sum(1 << int(g[m]) for m in c), s[first]))
        if extra:
            ek, eu, em, es = (np.array(col, dtype=np.int64) for col in zip(*extra))
            out_k += [ek]
            out_u += [eu]
            out_m += [em]
            out_s += [es]
    k, u, m, s = (np.concatenate(x) for x in (out_k, out_u, out_m, out_s))
    order = np.lexsort((s, u, k))
    return k[order], u[order], m[order]


def segment_counts(n_codes: int, lengths: Any, done: Any, code: Any, unit: Any, coder: Any,
                   start: Any, end: Any, overlap: float = 0.5) -> np.ndarray:
    """codes x ``4 ** coders``: the number of segment units under each rating pattern, for
    :func:`pattern_report` (see the module for how the units are formed: the segments'
    units, and one all-0 unit per response where nobody marked a segment of the code). Only
    responses two or more coders marked done should be passed."""
    done = np.asarray(done, dtype=bool)
    k, u, applied = segment_units(lengths, done, code, unit, coder, start, end, overlap)
    n_units, n_coders = done.shape
    width = 4 ** n_coders
    bits = _done_bits(done)
    counts = np.bincount(k * width + (bits[u] | (applied << n_coders)),
                         minlength=n_codes * width).astype(np.float64)
    # every response is an all-0 unit of every code, except where the code has segments
    absent = np.tile(np.bincount(bits, minlength=width).astype(np.float64), n_codes)
    present = np.unique(k * n_units + u)
    absent -= np.bincount((present // n_units) * width + bits[present % n_units],
                          minlength=n_codes * width)
    return (counts + absent).reshape(n_codes, width)
