"""Image resize with Pillow (Debian: apt-get install python3-pil; elsewhere pip install pillow, or list "pillow" in
runtime.python.packages): etl_args "WxH" fits the image within W x H keeping its aspect ratio (default 224x224);
the output keeps the input's format.

    oais etl init --name thumbnails --from-file resize.py --packages pillow
    curl 'localhost:8080/v1/objects/photos/cat.jpg?etl_name=thumbnails&etl_args=128x128' > thumb.jpg
"""

import io

from PIL import Image, UnidentifiedImageError

import oais_etl
from oais_etl import TransformError


def parse_size(args):
    text = args or "224x224"
    try:
        width, _, height = text.lower().partition("x")
        size = (int(width), int(height or width))
    except ValueError:
        raise TransformError(400, f"etl_args must be WxH (e.g. 224x224), not '{args}'") from None
    if min(size) < 1 or max(size) > 16384:
        raise TransformError(400, f"etl_args: {text} is outside 1x1 .. 16384x16384")
    return size


def transform(data, path, args):
    size = parse_size(args)
    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format or "PNG"
        image.thumbnail(size)
    except (UnidentifiedImageError, OSError) as e:
        raise TransformError(422, f"{path} is not an image Pillow can read: {e}") from None
    out = io.BytesIO()
    image.save(out, format=image_format)
    return out.getvalue()


if __name__ == "__main__":
    oais_etl.serve(transform)
