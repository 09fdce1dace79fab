#!/usr/bin/env bash
# Build the standalone desktop bundle: dist/gdsheet/ (PyInstaller, one folder) plus a Linux install tree with the
# desktop entry, AppStream metainfo and icons, packed as dist/gdsheet-linux-x86_64.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh build
QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py
rm -rf build/pyinstaller dist/gdsheet
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --workpath build/pyinstaller --distpath dist \
    packaging/gdsheet.spec
tree=dist/gdsheet-linux
rm -rf "$tree" && mkdir -p "$tree/share/applications" "$tree/share/metainfo" "$tree/lib"
cp -a dist/gdsheet "$tree/lib/gdsheet"
mkdir -p "$tree/bin" && ln -sf ../lib/gdsheet/gdsheet "$tree/bin/gdsheet"
cp packaging/linux/io.github.gdsheet.gdsheet.desktop "$tree/share/applications/"
cp packaging/linux/io.github.gdsheet.gdsheet.metainfo.xml "$tree/share/metainfo/"
for size in 16 32 48 64 128 256 512; do
  mkdir -p "$tree/share/icons/hicolor/${size}x${size}/apps"
  cp "resources/icons/gdsheet-$size.png" "$tree/share/icons/hicolor/${size}x${size}/apps/io.github.gdsheet.gdsheet.png"
done
mkdir -p "$tree/share/icons/hicolor/scalable/apps"
cp resources/icons/gdsheet.svg "$tree/share/icons/hicolor/scalable/apps/io.github.gdsheet.gdsheet.svg"
tar -C dist -czf dist/gdsheet-linux-x86_64.tar.gz gdsheet-linux
du -sh dist/gdsheet dist/gdsheet-linux-x86_64.tar.gz
