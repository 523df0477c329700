"""einsum built from differentiable primitives: align each operand to one letter order,
multiply with broadcasting (pairwise, contracting letters no later operand needs), then sum."""
from __future__ import annotations

import numpy as np


def _parse(equation: str, operands):
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->")
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(f"einsum(): {len(terms)} operands were specified in the equation "
                           f"'{equation}' but {len(operands)} were given")
    ell_letters = ""
    if "..." in eq:
        n_ell = max(op.ndim - (len(t) - 3) for t, op in zip(terms, operands) if "..." in t)
        used = set(c for c in eq if c.isalpha())
        free = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
        ell_letters = "".join(free[:n_ell])
        new_terms = []
        for t, op in zip(terms, operands):
            if "..." in t:
                k = op.ndim - (len(t) - 3)
                t = t.replace("...", ell_letters[n_ell - k:])
            new_terms.append(t)
        terms = new_terms
        if rhs is not None:
            rhs = rhs.replace("...", ell_letters)
    for t, op in zip(terms, operands):
        if len(t) != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not "
                               f"match the number of dimensions ({op.ndim}) for operand "
                               f"{terms.index(t)}")
    if rhs is None:
        counts = {}
        for t in terms:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        rhs = ell_letters + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell_letters))
    seen = set("".join(terms))
    for i, c in enumerate(rhs):
        if c not in seen:
            raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation "
                               "for any input operand")
        if c in rhs[:i]:
            raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the "
                               "output")
    return terms, rhs


def _take_diagonals(t, term: str):
    """Repeated letters in one term (``ii``) select a diagonal."""
    while len(set(term)) != len(term):
        for i, c in enumerate(term):
            j = term.find(c, i + 1)
            if j != -1:
                t = t.diagonal(0, i, j)
                term = term[:i] + term[i + 1:j] + term[j + 1:] + c
                break
    return t, term


def einsum(equation, operands):
    terms, rhs = _parse(equation, operands)
    letters = []
    for t in terms + [rhs]:
        for c in t:
            if c not in letters:
                letters.append(c)
    sizes = {}
    aligned = []
    for t, term in zip(operands, terms):
        t, term = _take_diagonals(t, term)
        for c, s in zip(term, t.shape):
            if c in sizes and sizes[c] != s and s != 1 and sizes[c] != 1:
                raise RuntimeError(f"einsum(): operands do not broadcast with remapped shapes "
                                   f"(original->remapped): subscript '{c}' has size {sizes[c]} and {s}")
            sizes[c] = max(sizes.get(c, 1), s)
        order = sorted(range(len(term)), key=lambda k: letters.index(term[k]))
        t = t.permute(*order) if order != list(range(len(term))) else t
        present = "".join(term[k] for k in order)
        shape = [t.shape[present.index(c)] if c in present else 1 for c in letters]
        aligned.append((t.reshape(shape), set(present)))
    # Multiply left to right, summing out letters that no later operand or the output uses.
    result, present = aligned[0]
    for idx in range(1, len(aligned)):
        nxt, nxt_present = aligned[idx]
        result = result * nxt
        present = present | nxt_present
        later = set(rhs).union(*[p for _, p in aligned[idx + 1:]]) if idx + 1 < len(aligned) else set(rhs)
        done = [letters.index(c) for c in present if c not in later]
        if done:
            result = result.sum(dim=tuple(done), keepdim=True)
            present = present - {letters[d] for d in done}
    drop = tuple(i for i, c in enumerate(letters) if c not in rhs)
    if drop:
        result = result.sum(dim=drop, keepdim=True)
    keep = [c for c in letters if c in rhs]
    result = result.reshape([result.shape[letters.index(c)] for c in keep])
    perm = [keep.index(c) for c in rhs]
    if perm != list(range(len(perm))):
        result = result.permute(*perm)
    expand = [sizes.get(c, 1) for c in rhs]
    if list(result.shape) != expand:
        result = result.expand(*expand)
    return result
