"""Static files as production serves them (WhiteNoise)."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class CompressedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names and compressed copies, as WhiteNoise makes them; Brotli
    can be left out (STATIC_BROTLI=0) where collecting must be quick, since
    it costs most of collectstatic's minute while gzip takes seconds."""

    def create_compressor(self, **kwargs):
        return super().create_compressor(**{**kwargs, "use_brotli": settings.STATIC_BROTLI})
