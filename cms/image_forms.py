"""Wagtail's image upload form (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

from wagtail.images.forms import BaseImageForm

from marketplace.uploads import validate_image_upload


class ImageForm(BaseImageForm):
    """Wagtail's image form, refusing what is not a real image of sensible
    size (type by content, bytes, decompression bombs) before it is saved."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "seek"):
            validate_image_upload(upload)
        return upload
