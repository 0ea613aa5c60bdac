"""Static files as production serves them: hashed names, long-cached, gzip-compressed.

WhiteNoise also writes a Brotli copy of every file whenever the `brotli` package happens to be
importable (the load-test tools bring it in), at Brotli's slowest setting: `amana serve`'s
collection at start-up then took 55 s instead of 4 s on a 2-vCPU machine, during which the
process does not answer. Gzip only, whatever is installed: the same start-up everywhere.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
