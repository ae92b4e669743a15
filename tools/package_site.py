"""Zip the built site for an intranet server: unzip anywhere and serve the folder."""

import sys
import zipfile
from pathlib import Path


def package(site, target):
    site, target = Path(site), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in site.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, Path("handbook") / path.relative_to(site))
    print(f"{target}: {len(files)} 个文件, {target.stat().st_size / 1048576:.1f} MB")


if __name__ == "__main__":
    package(*sys.argv[1:3])
