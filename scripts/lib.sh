# Shared by scripts/*: JDK discovery, package installation, build.
# shellcheck shell=bash
VRRPD_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APT_UPDATED=

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# find_jdk: JDK 25 (Temurin's on our machines); the machine's default java is older.
find_jdk() {
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] \
            && "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then
            export JAVA_HOME=$candidate
            return 0
        fi
    done
    echo "JDK 25 not found: install Temurin 25 (or set JAVA_HOME to a JDK 25)" >&2
    exit 1
}

# install_packages PKG...: apt-get installs what is missing (apt-get update first, once).
install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "need root to install: ${missing[*]} (run with sudo)" >&2
        exit 1
    fi
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        apt-get update -q >/dev/null
        APT_UPDATED=1
    fi
    say "installing ${missing[*]}"
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# mvnw ARGS...: the Maven wrapper with JDK 25, batch mode.
mvnw() {
    find_jdk
    (cd "$VRRPD_HOME" && ./mvnw -B -ntp "$@")
}
