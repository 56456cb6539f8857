#!/usr/bin/env bash
# Installs every Debian 12 package icsim needs to build, test, benchmark and read its results.
# Idempotent; run as root (or with sudo available) on a fresh machine.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang-format
  clang libclang-rt-14-dev ccache
  libeigen3-dev libopenblas-dev liblapacke-dev
  libboost-program-options-dev
  libhdf5-dev hdf5-tools zlib1g-dev
  libtomlplusplus-dev libfast-float-dev libxxhash-dev librandom123-dev libboost-dev
  libomp-dev
  libutf8proc-dev
  libnlopt-cxx-dev
  libopenturns-dev python3-openturns
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  openmpi-bin libopenmpi-dev
  slurm-wlm munge
  chromium fonts-noto-cjk
  python3 python3-numpy python3-scipy python3-pandas python3-h5py python3-xarray
  python3-h5netcdf python3-openpyxl python3-matplotlib python3-fonttools python3-pytest jupyter-nbconvert
  python3-ipykernel python3-pip python3-venv python3-setuptools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
