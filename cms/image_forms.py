"""Wagtail's image upload form (WAGTAILIMAGES_IMAGE_FORM_BASE)."""

from wagtail.images.forms import BaseImageForm

from marketplace.uploads import clean_image_upload


class ImageForm(BaseImageForm):
    """Wagtail's image form, refusing what is not a real image of sensible
    size (type by content, bytes, decompression bombs) before it is saved,
    and storing it without its metadata (a photo's GPS position)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            return clean_image_upload(upload)
        return upload
