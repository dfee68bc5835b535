#!/usr/bin/env bash
# Creates .venv on Python 3.10 (Rasa 3.6 does not run on 3.11 or newer) and installs a pinned requirements file:
#   scripts/setup-venv.sh requirements.txt        what `make run` needs
#   scripts/setup-venv.sh requirements-dev.txt    also what the tests, the lint and the benchmark need
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"

works() { [ -n "$1" ] && "$1" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; }

find_python() {
  local candidate
  # A pyenv shim named python3.10 exists even when 3.10 is not the active version; it then fails, hence `works`.
  candidate=$(command -v python3.10 || true)
  if works "$candidate"; then echo "$candidate"; return; fi
  for candidate in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 2>/dev/null | sort -V -r); do
    if works "$candidate"; then echo "$candidate"; return; fi
  done
}

if [ ! -x .venv/bin/python ]; then
  python=$(find_python)
  if [ -z "$python" ]; then
    cat >&2 <<'MSG'
FOUT: Python 3.10 niet gevonden.
Rasa 3.6 draait alleen op Python 3.10 (niet op 3.11 of nieuwer). Installeer Python 3.10, bijvoorbeeld:
  pyenv install 3.10.13          (daarna staat het onder ~/.pyenv/versions/3.10.13)
of met het pakket van je distributie (python3.10 en python3.10-venv), zodat `python3.10` op PATH staat.
Start daarna opnieuw: make run of make test.
MSG
    exit 1
  fi
  echo "Virtuele omgeving .venv maken met $python ..."
  "$python" -m venv .venv
fi

echo "Afhankelijkheden installeren uit $requirements (eerste keer: enkele minuten, ca. 2,7 GB) ..."
.venv/bin/python -m pip install --quiet --upgrade "pip==24.0"
.venv/bin/python -m pip install -r "$requirements"
