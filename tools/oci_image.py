#!/usr/bin/env python3
"""Packs directories into an OCI image archive (oci-archive), reproducibly.

Each --layer DIR becomes one gzipped tar layer: entries sorted by name, owned by 0:0, every
mtime set to --epoch, gzip without name or time. Same inputs, same bytes, same digest.
The archive is an OCI image layout in a tar, importable with `ctr -n k8s.io images import`,
`podman load` and `skopeo copy oci-archive:...`.

  oci_image.py pack --name docker.io/gatun/operator:0.1.0 --epoch 1700000000 \
      --layer base=DIR --layer runtime=DIR --user 65532:65532 \
      --entrypoint '["/opt/java/bin/java", "-jar", "/opt/gatun/app.jar"]' \
      --env JAVA_HOME=/opt/java --label org.opencontainers.image.version=0.1.0 \
      --out image.oci.tar

Prints one JSON line: name, manifest digest, compressed and uncompressed layer bytes.

  oci_image.py unpack ARCHIVE DIR    the image's file system in DIR (layers applied in order),
                                     its config printed as JSON
"""
import argparse
import datetime
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
INDEX = "application/vnd.oci.image.index.v1+json"


def normalized(info, epoch):
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = epoch
    return info


def walk_sorted(root):
    """Every path under root (not root itself), parents before children, names sorted."""
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry)
        yield path
        if os.path.isdir(path) and not os.path.islink(path):
            yield from walk_sorted(path)


def layer_tar(directory, epoch, out):
    """Writes DIR as an uncompressed tar to the binary file `out`."""
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for path in walk_sorted(directory):
            name = os.path.relpath(path, directory)
            info = normalized(tar.gettarinfo(path, arcname=name), epoch)
            if info.ischr() or info.isblk() or info.isfifo():
                raise SystemExit(f"{path}: device or fifo in a layer (the runtime provides /dev)")
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)


class Blobs:
    """Content-addressed blobs kept in memory until the archive is written."""

    def __init__(self):
        self.blobs = {}

    def add(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return digest

    def add_json(self, obj):
        data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
        return self.add(data), len(data)


def build(args):
    blobs = Blobs()
    created = datetime.datetime.fromtimestamp(args.epoch, datetime.timezone.utc)
    created = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    layers, diff_ids, history = [], [], []
    uncompressed = 0
    for spec in args.layer:
        comment, _, directory = spec.partition("=")
        if not directory or not os.path.isdir(directory):
            raise SystemExit(f"--layer wants NAME=DIRECTORY, got {spec}")
        with tempfile.TemporaryFile() as raw:
            layer_tar(directory, args.epoch, raw)
            raw.seek(0)
            tar_bytes = raw.read()
        uncompressed += len(tar_bytes)
        diff_ids.append("sha256:" + hashlib.sha256(tar_bytes).hexdigest())
        packed = io.BytesIO()
        # filename="" and mtime=0: the gzip header carries nothing of this run.
        with gzip.GzipFile(filename="", mode="wb", fileobj=packed, compresslevel=9, mtime=0) as gz:
            gz.write(tar_bytes)
        data = packed.getvalue()
        layers.append({"mediaType": LAYER, "digest": blobs.add(data), "size": len(data)})
        history.append({"created": created, "created_by": comment})

    config = {"User": args.user}
    if args.entrypoint:
        config["Entrypoint"] = json.loads(args.entrypoint)
    if args.cmd:
        config["Cmd"] = json.loads(args.cmd)
    if args.env:
        config["Env"] = args.env
    if args.workdir:
        config["WorkingDir"] = args.workdir
    labels = dict(label.split("=", 1) for label in args.label)
    if labels:
        config["Labels"] = labels
    image_config = {
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    config_digest, config_size = blobs.add_json(image_config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "digest": config_digest, "size": config_size},
        "layers": layers,
        "annotations": {"org.opencontainers.image.created": created},
    }
    manifest_digest, manifest_size = blobs.add_json(manifest)
    index = {
        "schemaVersion": 2,
        "mediaType": INDEX,
        "manifests": [
            {
                "mediaType": MANIFEST,
                "digest": manifest_digest,
                "size": manifest_size,
                # containerd names the image from the first, podman and skopeo from the second.
                "annotations": {
                    "io.containerd.image.name": args.name,
                    "org.opencontainers.image.ref.name": args.name,
                },
            }
        ],
    }
    files = {
        "oci-layout": json.dumps({"imageLayoutVersion": "1.0.0"}).encode(),
        "index.json": json.dumps(index, sort_keys=True, separators=(",", ":")).encode(),
    }
    for digest, data in blobs.blobs.items():
        files["blobs/sha256/" + digest.split(":", 1)[1]] = data

    tmp = args.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for directory in ("blobs", "blobs/sha256"):
            info = normalized(tarfile.TarInfo(directory), args.epoch)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for name in sorted(files):
            info = normalized(tarfile.TarInfo(name), args.epoch)
            info.size, info.mode = len(files[name]), 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    os.replace(tmp, args.out)
    return {
        "name": args.name,
        "digest": manifest_digest,
        "compressed": sum(layer["size"] for layer in layers),
        "uncompressed": uncompressed,
        "archive": args.out,
    }


def unpack(archive, directory):
    with tarfile.open(archive) as outer:
        def blob(digest):
            return outer.extractfile("blobs/sha256/" + digest.split(":", 1)[1]).read()

        index = json.loads(outer.extractfile("index.json").read())
        manifest = json.loads(blob(index["manifests"][0]["digest"]))
        os.makedirs(directory, exist_ok=True)
        for layer in manifest["layers"]:
            with tarfile.open(fileobj=io.BytesIO(blob(layer["digest"])), mode="r:gz") as tar:
                # The "tar" filter where this Python has it (3.11.4+): no paths outside DIR.
                safe = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
                tar.extractall(directory, **safe)
        return json.loads(blob(manifest["config"]["digest"]))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = p.add_subparsers(dest="command", required=True)
    pack = commands.add_parser("pack", help="directories to an OCI archive")
    pack.add_argument("--name", required=True, help="full reference: docker.io/gatun/operator:1.0")
    pack.add_argument("--epoch", type=int, required=True, help="every timestamp (SOURCE_DATE_EPOCH)")
    pack.add_argument("--layer", action="append", required=True, help="NAME=DIRECTORY, bottom first")
    pack.add_argument("--user", default="0:0")
    pack.add_argument("--entrypoint", help="JSON list (none for a data-only image, e.g. an OLM bundle)")
    pack.add_argument("--cmd", help="JSON list")
    pack.add_argument("--env", action="append", default=[], help="KEY=VALUE")
    pack.add_argument("--workdir")
    pack.add_argument("--label", action="append", default=[], help="KEY=VALUE")
    pack.add_argument("--out", required=True)
    unpacking = commands.add_parser("unpack", help="an OCI archive's file system into a directory")
    unpacking.add_argument("archive")
    unpacking.add_argument("directory")
    args = p.parse_args()
    if args.command == "pack":
        print(json.dumps(build(args), sort_keys=True))
    else:
        print(json.dumps(unpack(args.archive, args.directory), sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
