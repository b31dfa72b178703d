"""``reader batch``: a whole corpus translated and exported, on Dask distributed.

The work is embarrassingly parallel by document, so it runs on an existing
distributed engine rather than a home-made pool: a ``distributed.LocalCluster``
on this machine by default, the same code on a scheduler started elsewhere
(``dask scheduler`` / ``dask worker``, Kubernetes, HPC). Without Dask the same
tasks run one after another in this process.

- :mod:`~reader.batch.discovery`: which documents, where their outputs go;
- :mod:`~reader.batch.manifest`: what is done (SQLite in the output folder,
  written by the client alone), so a rerun does only what is missing;
- :mod:`~reader.batch.tasks`: what a worker does with one document, and the
  per-worker state that loads the model once;
- :mod:`~reader.batch.cluster`: Dask (imported only there);
- :mod:`~reader.batch.engine`: the loop that plans, submits, records and reports;
- :mod:`~reader.batch.progress`: the progress bar and the closing line.
"""
