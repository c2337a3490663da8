# Shared by package.bats and container.bats: the Debian packages of this
# tree, built by dpkg-buildpackage in a clean copy, never in the working
# tree (others work there).

ARCH=$(dpkg --print-architecture)
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
PACKAGES=(xdplinkd libxdplink0 libxdplink-client0 libxdplink-dev)

# pkg_build DIR: copy the tree to DIR/src and build the packages into DIR;
# the log is DIR/build.log, the seconds it took DIR/build-seconds. The copy
# is `git archive HEAD` (committed work only); XL_PKG_TREE=worktree copies
# the working tree's tracked and untracked, not ignored, files instead.
pkg_build() {
	local dir=$1 start r=0

	mkdir -p "$dir/src"
	if [ "${XL_PKG_TREE:-head}" = worktree ]; then
		(cd "$REPO" && git ls-files -co --exclude-standard -z |
			while IFS= read -r -d '' f; do [ ! -e "$f" ] || printf '%s\0' "$f"; done |
			tar -c --null -T - -f -) | tar -x -C "$dir/src"
	else
		git -C "$REPO" archive HEAD | tar -x -C "$dir/src"
	fi
	start=$(date +%s)
	(cd "$dir/src" && dpkg-buildpackage -us -uc -b) >"$dir/build.log" 2>&1 || r=$?
	echo $(($(date +%s) - start)) >"$dir/build-seconds"
	return "$r"
}

# pkg_deb DIR PACKAGE: the path of PACKAGE's .deb in DIR.
pkg_deb() { echo "$1/${2}_"*"_$ARCH.deb"; }
