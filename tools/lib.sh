# Shared helpers for Gatun's provisioning scripts (sourced, not run).

# Where built third-party artefacts live: outside the repo, reused across clones and runs.
GATUN_CACHE=${GATUN_CACHE:-$HOME/.cache/gatun}

# Debian's own python has python3-pyelftools; a pyenv shim earlier on PATH does not.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

log() { echo "[$(basename "$0")] $*" >&2; }

# fetch_debian_source PACKAGE VERSION FILE SHA256 DEST: downloads a Debian source package
# with apt-get source, checks FILE's sha256 against the pinned value and leaves the
# files in DEST.
fetch_debian_source() {
  local pkg=$1 version=$2 file=$3 sha=$4 dest=$5
  mkdir -p "$dest"
  if [ ! -f "$dest/$file" ]; then
    (cd "$dest" && apt-get source --download-only -qq "$pkg=$version" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
  fi
  [ -f "$dest/$file" ] || { log "apt-get source $pkg=$version did not produce $file (is deb-src configured? run tools/install-packages.sh)"; return 1; }
  echo "$sha  $dest/$file" | sha256sum --check --quiet - || { log "checksum mismatch for $file"; return 1; }
}
