"""Statistical inference on the experiments: coupling scans, allowed regions, limits,
physics-parameter profiles, pseudo-experiments and Feldman-Cousins.

=====================================  ==================================================
:mod:`cevns.infer.scan`                coupling scans (``ModelFit``, ``scan``, ``global_minimum``)
:mod:`cevns.infer.regions`             connected allowed regions in (M, g)
:mod:`cevns.infer.limits`              limits and Table 2 (one criterion)
:mod:`cevns.infer.profiles`            profiles in physics parameters (``cevns fit --param``)
:mod:`cevns.infer.toys`                pseudo-experiments (``ToyEngine``)
:mod:`cevns.infer.fc`                  Feldman-Cousins limits and coverage
:mod:`cevns.infer.distributed`         toys in batches on Dask
=====================================  ==================================================

Until 0.6.0 these modules were ``cevns.scan``, ``cevns.regions``, ... ; those paths
were removed in 0.8.0.
"""

__all__ = ["distributed", "fc", "limits", "profiles", "regions", "scan", "toys"]


def __getattr__(name: str) -> object:
    # the submodules load on first use: `import cevns.infer` stays cheap
    if name in __all__:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
