"""Transformations shared by the importers.

remove_imports_proportionally
    Turns a competitive-import table (one row per product holding domestic *and* imported
    supply, imports recorded as negative final-demand columns such as IM and IF) into a
    regional (local / domestic) table: row i's imports are taken out of intermediate use and
    domestic final use in proportion, exports and outflows are left untouched (no re-export
    assumption), and what was taken out of intermediate use becomes import rows by using sector.

default_gfcf_bridge
    The default investment bridge: every investing sector buys the product mix of the
    table's GFCF column.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Removal:
    Z: np.ndarray              # n x n regional intermediate flows
    domestic_fd: np.ndarray    # n x m domestic final use after removal
    external_fd: np.ndarray    # n x q exports/outflows after the re-export adjustment
    imports: np.ndarray        # r x n intermediate imports by using sector
    share: np.ndarray          # n, s_i = share of row i's domestic use that was imported
    reexports: np.ndarray      # n, amount taken out of external_fd (imports beyond domestic use)


def remove_imports_proportionally(Z, domestic_fd, external_fd, removed) -> Removal:
    """Proportional import removal.

    Z            n x n intermediate use (competitive: domestic + imported)
    domestic_fd  n x m domestic final use (household, government, GFCF, inventory change)
    external_fd  n x q exports and outflows (deliveries outside the region)
    removed      n x r imports to take out of each row (e.g. IM and IF), all >= 0

    For row i let D_i = sum(Z[i,:]) + sum(domestic_fd[i,:]) and R_i = sum(removed[i,:]).
    s_i = R_i / D_i; every entry of Z[i,:] and domestic_fd[i,:] is multiplied by 1 - s_i.
    The amount s_i * Z[i,j] goes to import row k in proportion removed[i,k] / R_i.

    Rows where R_i > D_i (the published table shows re-exports: imports larger than domestic
    use) get s_i = 1 (no local supply to local users) and the excess R_i - D_i is taken out of
    the external columns in proportion (it was re-exported). This keeps row i balanced:
    row sum after = D_i - R_i + sum(external_fd[i,:]) = published output.
    """
    Z = np.asarray(Z, dtype=float)
    dfd = np.asarray(domestic_fd, dtype=float)
    xfd = np.asarray(external_fd, dtype=float).copy()
    rem = np.asarray(removed, dtype=float)
    if (rem < 0).any():
        raise ValueError("negative import entries")
    n = Z.shape[0]
    D = Z.sum(axis=1) + dfd.sum(axis=1)
    R = rem.sum(axis=1)
    s = np.zeros(n)
    excess = np.zeros(n)
    for i in range(n):
        if R[i] == 0:
            continue
        if D[i] > 0 and R[i] <= D[i]:
            s[i] = R[i] / D[i]
        else:
            s[i] = 1.0
            excess[i] = R[i] - D[i]
            ext = xfd[i].sum()
            if excess[i] > ext * (1 + 1e-12):
                raise ValueError(
                    f"row {i}: imports exceed domestic use plus exports/outflows; cannot localise")
            kept = ext - excess[i]
            if abs(kept) <= 1e-12 * max(R[i], ext):
                kept = 0.0  # all external deliveries were re-exports: exactly zero output
            if ext > 0:
                xfd[i] = xfd[i] * (kept / ext)
    keep = 1.0 - s
    Zl = Z * keep[:, None]
    dfdl = dfd * keep[:, None]
    taken = Z * s[:, None]                                    # n x n, what became imports
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(R[:, None] > 0, rem / R[:, None], 0.0)  # n x r
    imports = split.T @ taken                                 # r x n
    return Removal(Z=Zl, domestic_fd=dfdl, external_fd=xfd, imports=imports, share=s,
                   reexports=excess)


def default_gfcf_bridge(gfcf_regional, gfcf_total: float) -> np.ndarray:
    """C[i, j] = gfcf_regional[i] / gfcf_total for every investing sector j.

    gfcf_total includes the imported part of GFCF, so columns sum to the regional share of
    investment goods (< 1); the remainder is imported.
    """
    g = np.asarray(gfcf_regional, dtype=float)
    if (g < 0).any():
        raise ValueError("negative regional GFCF entries: default bridge undefined")
    if gfcf_total <= 0:
        raise ValueError("total GFCF must be positive")
    col = g / float(gfcf_total)
    return np.repeat(col[:, None], g.size, axis=1)
