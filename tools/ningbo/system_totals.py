"""System totals of overlapping cluster systems, as one more cluster: the union of the clusters.

A plan that states a target for a whole cluster system (\"“361”万千亿级产业集群规上企业营业收入\")
cannot be judged by adding up its clusters when their fitted weights overlap. Every system's
clusters are lists of DISJOINT items of the national 153-sector table (build_ningbo refuses
product-mix weights summing above 1 in a sector), so a sector's output belongs to at most one
cluster of the system; the weights overlap only because the fits scale a cluster's product-mix
share of a sector up to Ningbo's published level. The system total in sector j is therefore the
union of its clusters' parts, bounded by the sector itself:

    W(total, j) = min(1, sum_c W(c, j))

written as an extra cluster `total` of the system's own file (after its clusters, so the firms'
memberships of the other clusters do not change). Targets select `SYSTEM/total` alone.
"""
from __future__ import annotations

# system -> (cluster code, cluster name) of its union total
UNION_TOTALS = {"361-2023": ("total", "“361”集群合计(并集)")}


def union_weights(clusters, codes):
    """{sector: min(1, sum of the clusters' weights)} over the sectors any cluster covers."""
    total = {}
    for _, _, w, _ in clusters:
        for s, v in w.items():
            if v > 0:
                total[s] = total.get(s, 0.0) + v
    # a sum within round-off of 1 (a sector split over several clusters) is the whole sector
    return {s: (1.0 if total[s] >= 1 - 1e-12 else total[s]) for s in codes if s in total}


def add_totals(fitted, codes):
    """Append the union cluster to each system of UNION_TOTALS, per base year (in place)."""
    for by_system in fitted.values():
        for system, (code, name) in UNION_TOTALS.items():
            clusters = by_system[system]
            clusters.append((code, name, union_weights(clusters, codes), None))


def header(system, overlap):
    """The `# overlapping` line of a system file with a union total."""
    shared = f"share sectors ({' '.join(overlap)}) and" if overlap else "are disjoint but"
    code = UNION_TOTALS[system][0]
    return (f"# overlapping: the clusters of system {system} {shared} `{code}` is their union "
            "(min(1, sum of weights) per sector); never add them up "
            "(scenarios/data/concordances/README.md)\n")


def report_md(fitted, codes, names42, above, base_years):
    """README section: the union clusters, their weights and 规上 output per base year."""
    md = ["## System totals (union clusters)", "",
          "A system target (e.g. \"361\" 集群规上企业营业收入) is judged on the system's `total` "
          "cluster, never on a sum of its clusters. The clusters' 153 items are disjoint, so "
          "a sector's output belongs to at most one cluster and the clusters' weights overlap "
          "only through the fits (each scales its product-mix share up to a published level); "
          "the union's weight in sector j is min(1, sum_c W(c, j)). A weight capped at 1 means "
          "the fitted clusters claim more of the sector than it holds; their union is the whole "
          "sector. The `total` rows come after the system's clusters in its file, so the firms' "
          "memberships of the other clusters are unchanged.", "",
          "| base | system | cluster | weights on 42 sectors | 规上 output |",
          "| --- | --- | --- | --- | --- |"]
    for B in base_years:
        for system, (code, _) in UNION_TOTALS.items():
            w = next(ww for cc, _, ww, _ in fitted[B][system] if cc == code)
            md.append(f"| {B} | `{system}` | `{code}` | "
                      + "; ".join(f"{s} {names42[s]} {w[s]:.4f}" for s in codes if s in w)
                      + f" | {above(B, w):,.1f} |")
    md.append("")
    return md
