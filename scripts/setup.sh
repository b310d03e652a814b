# Sourced by scripts/zqt, scripts/test and .ci/run: puts Swift on the PATH
# and installs the Debian packages the build and the tests need when one is
# missing (apt-get update first). Nothing happens when all are there.
if ! command -v swift >/dev/null 2>&1; then
    for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
        [ -x "$dir/swift" ] && export PATH="$dir:$PATH" && break
    done
fi
command -v swift >/dev/null 2>&1 || { echo "zqt: Swift 6 is needed: put its bin folder on the PATH (here: /opt/swift/usr/bin)" >&2; exit 2; }
zqt_missing=()
for pkg in libncurses-dev zlib1g-dev libsqlite3-dev libtomlplusplus-dev libcurl4 pkg-config libpng-dev libjpeg-dev libwebp-dev libchafa0 tmux curl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || zqt_missing+=("$pkg")
done
if [ "${#zqt_missing[@]}" -gt 0 ]; then
    echo "installing: ${zqt_missing[*]}" >&2
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update >&2
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y "${zqt_missing[@]}" >&2
fi
unset zqt_missing sudo_cmd
# For the tests only (scripts/test sets ZQT_SETUP_FOR_TESTS=1): moto's
# standalone S3 server, the S3-compatible store the upload tests run against
# on loopback (issue 17). From PyPI, when neither moto_server nor python3's
# moto.server module is there; Debian's python may need --break-system-packages.
if [ "${ZQT_SETUP_FOR_TESTS:-}" = 1 ] && ! command -v moto_server >/dev/null 2>&1 \
    && ! python3 -c 'import moto.server' >/dev/null 2>&1; then
    echo "installing: moto[server] (pip)" >&2
    if ! python3 -m pip --version >/dev/null 2>&1; then
        sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y python3-pip >&2
        unset sudo_cmd
    fi
    python3 -m pip install --quiet 'moto[server]' >&2 \
        || python3 -m pip install --quiet --break-system-packages 'moto[server]' >&2 \
        || echo "zqt: could not install moto[server]; the S3 upload tests will fail" >&2
    command -v pyenv >/dev/null 2>&1 && pyenv rehash >/dev/null 2>&1 || true
fi
