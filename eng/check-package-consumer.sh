#!/usr/bin/env bash
# Proves the packages work for someone outside this repository, offline, with no package cache hiding a missing
# dependency: packs Entropy.MLNet and the entropy tool, then restores a consumer app (the package README's minimal
# project and snippet) and installs the tool into EMPTY package and tool folders. The only package sources are the
# freshly packed packages and the packages already on this machine (its NuGet global-packages folder, read as a
# local feed), so nothing is downloaded. Not part of the test command: it takes minutes and about 3 GB of disk.
#
#   bash eng/check-package-consumer.sh [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
keep=false; [ "${1:-}" = "--keep" ] && keep=true

work=$(mktemp -d)
$keep || trap 'rm -rf "$work"' EXIT
machine_packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
feed=$work/feed
export NUGET_PACKAGES=$work/empty-packages   # a fresh, empty global-packages folder for everything below
mkdir -p "$feed" "$NUGET_PACKAGES"
say() { echo "check-package-consumer: $*"; }

say "packing into $feed"
NUGET_PACKAGES=$machine_packages dotnet pack "$repo/src/Entropy.MLNet" -c Release -o "$feed" -v quiet -nologo
NUGET_PACKAGES=$machine_packages dotnet pack "$repo/src/Entropy.MLNet.Cli" -c Release -o "$feed" -v quiet -nologo
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -n 1)

cat > "$work/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$feed" />
    <add key="machine" value="$machine_packages" />
  </packageSources>
</configuration>
CONFIG

# 1. The package README's minimal project and snippet.
app=$work/app
mkdir -p "$app"
cp "$work/nuget.config" "$app/"
awk '/^```xml$/ {on=1; next} on && /^```$/ {exit} on' "$repo/src/Entropy.MLNet/PACKAGE.md" \
  | sed "s/Include=\"Entropy.MLNet\" Version=\"[^\"]*\"/Include=\"Entropy.MLNet\" Version=\"$version\"/" > "$app/app.csproj"
awk '/^```csharp$/ {on=1; next} on && /^```$/ {exit} on' "$repo/src/Entropy.MLNet/PACKAGE.md" > "$app/Program.cs"
cat >> "$app/Program.cs" <<'CS'
foreach (double sigmaW2 in new[] { 0.5, 1.0, 2.0 })
{
    Console.WriteLine(FormattableString.Invariant($"sigma_w2 {sigmaW2}: cutoff {sweep.Predict(sigmaW2, 0.05, 8).Cutoff}"));
}
CS
say "building the consumer app (restore into the empty $NUGET_PACKAGES)"
dotnet build "$app" -c Release -nologo 2>&1 | tee "$work/app-build.log" | grep -E "error|warning|Entropy.MLNet:" || true
grep -q "marked the GLIBCXX_3.4.32 need" "$work/app-build.log" || { [ "$(uname -s)" != Linux ] || { say "the build step did not run"; exit 1; }; }
say "running it"
dotnet "$app/bin/Release/net10.0/app.dll" | tee "$work/app-run.log"
grep -q "cutoff" "$work/app-run.log" || { say "the snippet printed no cutoffs"; exit 1; }

# 2. An application without a backend package gets the ENTROPY002 warning.
nobackend=$work/nobackend
mkdir -p "$nobackend"
cp "$work/nuget.config" "$nobackend/"
grep -v libtorch-cpu-linux-x64 "$app/app.csproj" > "$nobackend/nobackend.csproj"
echo 'Console.WriteLine(typeof(Entropy.MLNet.Runtime.TorchRuntime));' > "$nobackend/Program.cs"
dotnet build "$nobackend" -c Release -nologo 2>&1 | grep -q "ENTROPY002" || { say "no ENTROPY002 warning without a backend"; exit 1; }
say "without a backend package the build warns (ENTROPY002)"

# 3. The tool, installed from the packed tool package into an empty tool path.
(cd "$work" && dotnet tool install Entropy.MLNet.Cli --version "$version" --tool-path "$work/tools" --configfile "$work/nuget.config")
"$work/tools/entropy" theory --sigma-b2 0.05 --sigma-w2 1.76 | tee "$work/tool-run.log"
grep -q "1.76" "$work/tool-run.log" || { say "the installed tool did not run"; exit 1; }
"$work/tools/entropy" probe --sigma-w2 1.76 --depth 6 --width 32 --train-samples 300 --entropy-samples 20 | tail -n 3

say "passed: the packed library, its backend and the tool restore, build and run from an empty package folder"
