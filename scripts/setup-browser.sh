#!/usr/bin/env bash
# The widget's browser tests drive Debian's Chromium through Playwright; no browser is downloaded.
set -euo pipefail
# The emoji font lets the screenshots of the answers show 👍 and 👎.
if command -v chromium >/dev/null 2>&1 && [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "FOUT: Chromium ontbreekt voor de browsertests. Installeer het met: sudo apt-get install chromium fonts-noto-color-emoji" >&2
  exit 1
fi
echo "Chromium (Debian-pakket) installeren voor de browsertests ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
