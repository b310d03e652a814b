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
