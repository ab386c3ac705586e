"""A WebDataset-style shard transformer: the object is a .tar of samples (000.jpg, 000.cls, 001.jpg, ...; a sample's
files are adjacent and share the name up to the first dot); each sample goes through ``transform_sample`` and the
result is a new shard. Both tars stream (tarfile's "r|" and "w|" modes): one sample is in memory at a time.

The sample function here is a typical preprocessing step: it keeps the sample's files, adds KEY.json
({"key", "label", "files": {ext: size}}, the label read from KEY.cls), and drops the extensions named in etl_args
("drop=txt,cls"). Replace it with your own (decode, resize, tokenize, ...).
"""

import io
import json
import tarfile

import oais_etl
from oais_etl import TransformError


def transform_sample(key, files, drop):
    """files: {extension: bytes} of one sample -> the files of the transformed sample."""
    meta = {"key": key, "files": {ext: len(data) for ext, data in sorted(files.items())}}
    if "cls" in files:
        try:
            meta["label"] = int(files["cls"].decode("utf-8").strip())
        except ValueError:
            raise TransformError(422, f"sample {key}: {key}.cls is not an integer label") from None
    out = {ext: data for ext, data in files.items() if ext not in drop}
    out["json"] = json.dumps(meta, sort_keys=True).encode("utf-8")
    return out


def parse_drop(args):
    if not args:
        return set()
    if not args.startswith("drop="):
        raise TransformError(400, f"etl_args must be drop=EXT[,EXT...], not '{args}'")
    return {ext.strip() for ext in args[5:].split(",") if ext.strip()}


def transform(reader, writer, path, args):
    drop = parse_drop(args)
    try:
        source = tarfile.open(fileobj=reader, mode="r|*")
    except tarfile.TarError as e:
        raise TransformError(422, f"{path} is not a tar shard: {e}") from None
    with source, tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as shard:
        key, files = None, {}
        try:
            for member in source:
                if not member.isfile():
                    continue
                folder, _, base = member.name.rpartition("/")
                sample, dot, ext = base.partition(".")
                sample_key = f"{folder}/{sample}" if folder else sample
                if sample_key != key and key is not None:
                    _write_sample(shard, key, transform_sample(key, files, drop))
                    files = {}
                key = sample_key
                files[ext if dot else ""] = source.extractfile(member).read()
        except tarfile.TarError as e:
            raise TransformError(422, f"{path} is not a valid tar shard: {e}") from None
        if key is not None:
            _write_sample(shard, key, transform_sample(key, files, drop))


def _write_sample(shard, key, files):
    for ext, data in sorted(files.items()):
        info = tarfile.TarInfo(f"{key}.{ext}" if ext else key)
        info.size = len(data)
        info.mode = 0o644
        shard.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    oais_etl.serve(transform_stream=transform)
