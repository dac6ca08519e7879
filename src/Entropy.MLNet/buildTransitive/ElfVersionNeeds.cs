// The build step that lets TorchSharp 0.107.0 load on Debian 12 without touching the system.
//
// libLibTorchSharp.so lists GLIBCXX_3.4.32 (GCC 13+) among its libstdc++ version needs, for one symbol only:
// _ZSt21ios_base_library_initv, a link-time marker GCC 13 emits with no relocation against it. Debian 12's libstdc++
// stops at GLIBCXX_3.4.30, and the loader refuses a library with an unmet non-weak version need. Marking that one
// need weak (VER_FLG_WEAK in .gnu.version_r) makes the loader accept it; nothing ever binds the marker.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory as the WeakenElfVersionNeed task (see
// Entropy.MLNet.targets next to it, shipped in the package's buildTransitive folder), and by the test project with
// ENTROPY_ELF_TESTS defined, which leaves the MSBuild task out. It therefore sticks to netstandard2.0 APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Entropy.MLNet.Build
{
    /// <summary>What <see cref="ElfVersionNeeds.Weaken"/> found.</summary>
    public enum WeakenOutcome
    {
        /// <summary>The library does not ask for that version: nothing to do.</summary>
        NotRequired,

        /// <summary>The need was already weak: nothing to do.</summary>
        AlreadyWeak,

        /// <summary>The need was marked weak.</summary>
        Weakened,
    }

    /// <summary>One entry of an ELF file's version needs (<c>.gnu.version_r</c>).</summary>
    public sealed class ElfVersionNeed
    {
        internal ElfVersionNeed(string library, string version, ushort flags, ushort index, int flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            Index = index;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version is needed from, e.g. <c>libstdc++.so.6</c>.</summary>
        public string Library { get; }

        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; }

        /// <summary>The entry's <c>vna_flags</c>.</summary>
        public ushort Flags { get; }

        /// <summary>The version index symbols refer to (<c>vna_other</c>).</summary>
        public ushort Index { get; }

        /// <summary>Whether the loader may ignore a missing version (<c>VER_FLG_WEAK</c>).</summary>
        public bool IsWeak => (Flags & ElfVersionNeeds.WeakFlag) != 0;

        internal int FlagsOffset { get; }
    }

    /// <summary>
    /// Reads and edits the version needs of a little-endian ELF64 x86-64 shared library, checking every structure it
    /// reads; malformed or foreign files raise <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static class ElfVersionNeeds
    {
        /// <summary><c>VER_FLG_WEAK</c>.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint ShtRela = 4;
        private const uint ShtRel = 9;
        private const uint ShtDynsym = 11;
        private const uint ShtStrtab = 3;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const ushort EmX8664 = 62;

        /// <summary>Every version need of the library, in file order.</summary>
        public static IReadOnlyList<ElfVersionNeed> Read(byte[] image, string fileName)
        {
            var elf = new Reader(image, fileName);
            return elf.Needs();
        }

        /// <summary>
        /// Marks the need for <paramref name="version"/> of <paramref name="library"/> weak in <paramref name="image"/>
        /// (in place), after checking that only undefined <paramref name="markerSymbols"/> use it and that no
        /// relocation refers to them. Changes one 16-bit field and nothing else; idempotent.
        /// </summary>
        public static WeakenOutcome Weaken(byte[] image, string fileName, string library, string version, ICollection<string> markerSymbols)
        {
            var elf = new Reader(image, fileName);
            ElfVersionNeed? need = null;
            foreach (ElfVersionNeed n in elf.Needs())
            {
                if (n.Library == library && n.Version == version)
                {
                    need = n;
                }
            }
            if (need is null)
            {
                return WeakenOutcome.NotRequired;
            }
            if (need.IsWeak)
            {
                return WeakenOutcome.AlreadyWeak;
            }
            elf.CheckOnlyMarkersUse(need, markerSymbols);
            ushort flags = (ushort)(need.Flags | WeakFlag);
            image[need.FlagsOffset] = (byte)flags;
            image[need.FlagsOffset + 1] = (byte)(flags >> 8);
            return WeakenOutcome.Weakened;
        }

        /// <summary>
        /// Weakens the need in the file at <paramref name="path"/>. The edited copy replaces the file by a rename, so
        /// the original inode (which a hard link may share with a package cache) is never written; the file's mode and
        /// time stamp are kept, so that an incremental build's copy step still sees it as up to date.
        /// </summary>
        public static WeakenOutcome WeakenFile(string path, string library, string version, ICollection<string> markerSymbols)
        {
            byte[] image = File.ReadAllBytes(path);
            WeakenOutcome outcome = Weaken(image, path, library, version, markerSymbols);
            if (outcome != WeakenOutcome.Weakened)
            {
                return outcome;
            }
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            string temp = path + ".weaken-tmp";
            File.Copy(path, temp, true);   // a new inode with the original's mode
            try
            {
                File.WriteAllBytes(temp, image);
                File.SetLastWriteTimeUtc(temp, stamp);
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
            return outcome;
        }

        /// <summary>The System V hash of a version name, as <c>vna_hash</c> stores it.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (char c in name)
            {
                h = (h << 4) + (byte)c;
                uint g = h & 0xf0000000;
                if (g != 0)
                {
                    h ^= g >> 24;
                }
                h &= ~g;
            }
            return h;
        }

        private readonly struct Section
        {
            public Section(int index, uint type, long offset, long size, uint link, uint info, long entrySize)
            {
                Index = index;
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
                EntrySize = entrySize;
            }

            public int Index { get; }
            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public long EntrySize { get; }
        }

        /// <summary>Bounds-checked reads of one ELF image.</summary>
        private sealed class Reader
        {
            private readonly byte[] _image;
            private readonly string _file;
            private readonly Section[] _sections;

            public Reader(byte[] image, string file)
            {
                _image = image ?? throw new ArgumentNullException(nameof(image));
                _file = file;
                if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                {
                    throw Bad("not an ELF file");
                }
                if (image[4] != 2 || image[5] != 1 || image[6] != 1)
                {
                    throw Bad("not a little-endian ELF64 file (version 1)");
                }
                ushort machine = U16(18);
                if (machine != EmX8664)
                {
                    throw Bad("built for ELF machine " + machine + ", not x86-64 (62)");
                }
                long shoff = checked((long)U64(0x28));
                ushort shentsize = U16(0x3a);
                ushort shnum = U16(0x3c);
                if (shentsize != 64 || shnum == 0)
                {
                    throw Bad("unexpected section header table (entry size " + shentsize + ", " + shnum + " entries)");
                }
                Need(shoff, (long)shnum * 64, "section header table");
                _sections = new Section[shnum];
                for (int i = 0; i < shnum; i++)
                {
                    long h = shoff + (i * 64L);
                    var s = new Section(i, U32(h + 4), checked((long)U64(h + 24)), checked((long)U64(h + 32)), U32(h + 40), U32(h + 44), checked((long)U64(h + 56)));
                    if (s.Type != 8 /* SHT_NOBITS */ && s.Type != 0)
                    {
                        Need(s.Offset, s.Size, "section " + i);
                    }
                    _sections[i] = s;
                }
            }

            public List<ElfVersionNeed> Needs()
            {
                var needs = new List<ElfVersionNeed>();
                Section? found = null;
                foreach (Section s in _sections)
                {
                    if (s.Type == ShtGnuVerneed)
                    {
                        if (found is not null)
                        {
                            throw Bad("more than one .gnu.version_r section");
                        }
                        found = s;
                    }
                }
                if (found is not Section verneed)
                {
                    return needs;
                }
                Section strings = Linked(verneed, ShtStrtab, ".gnu.version_r");
                long entry = verneed.Offset;
                for (uint n = 0; n < verneed.Info; n++)
                {
                    Within(verneed, entry, 16, "version need " + n);
                    if (U16(entry) != 1)
                    {
                        throw Bad("version need " + n + " has version " + U16(entry) + ", not 1");
                    }
                    ushort count = U16(entry + 2);
                    string library = Name(strings, U32(entry + 4));
                    long aux = entry + U32(entry + 8);
                    for (int a = 0; a < count; a++)
                    {
                        Within(verneed, aux, 16, "version need " + n + " entry " + a);
                        uint hash = U32(aux);
                        string version = Name(strings, U32(aux + 8));
                        if (hash != ElfHash(version))
                        {
                            throw Bad("the hash of version " + version + " does not match its name");
                        }
                        needs.Add(new ElfVersionNeed(library, version, U16(aux + 4), U16(aux + 6), checked((int)(aux + 4))));
                        uint next = U32(aux + 12);
                        if ((next == 0) != (a == count - 1))
                        {
                            throw Bad("version need " + n + " (" + library + ") has a broken entry chain");
                        }
                        aux += next;
                    }
                    uint nextNeed = U32(entry + 12);
                    if ((nextNeed == 0) != (n == verneed.Info - 1))
                    {
                        throw Bad("the .gnu.version_r chain does not match its entry count");
                    }
                    entry += nextNeed;
                }
                return needs;
            }

            /// <summary>Only undefined marker symbols may carry the version, and no relocation may refer to them.</summary>
            public void CheckOnlyMarkersUse(ElfVersionNeed need, ICollection<string> markers)
            {
                Section? versymFound = null;
                foreach (Section s in _sections)
                {
                    if (s.Type == ShtGnuVersym)
                    {
                        versymFound = s;
                    }
                }
                if (versymFound is not Section versym)
                {
                    throw Bad("has version needs but no .gnu.version section");
                }
                Section dynsym = Linked(versym, ShtDynsym, ".gnu.version");
                if (dynsym.EntrySize != 24 || dynsym.Size % 24 != 0 || versym.Size != dynsym.Size / 24 * 2)
                {
                    throw Bad(".gnu.version and .dynsym sizes do not match");
                }
                Section names = Linked(dynsym, ShtStrtab, ".dynsym");
                var users = new HashSet<long>();
                long symbols = dynsym.Size / 24;
                for (long i = 0; i < symbols; i++)
                {
                    if ((U16(versym.Offset + (i * 2)) & 0x7fff) != need.Index)
                    {
                        continue;
                    }
                    long sym = dynsym.Offset + (i * 24);
                    string name = Name(names, U32(sym));
                    if (!markers.Contains(name))
                    {
                        throw Bad("symbol " + name + " needs " + need.Version + "; only the marker symbols (" + string.Join(", ", markers) + ") may, so the need is left as it is");
                    }
                    if (U16(sym + 6) != 0)
                    {
                        throw Bad("marker symbol " + name + " is defined here, not imported");
                    }
                    users.Add(i);
                }
                foreach (Section s in _sections)
                {
                    if ((s.Type != ShtRela && s.Type != ShtRel) || s.Link != dynsym.Index)
                    {
                        continue;
                    }
                    long size = s.Type == ShtRela ? 24 : 16;
                    for (long r = s.Offset; r + size <= s.Offset + s.Size; r += size)
                    {
                        long symbol = (long)(U64(r + 8) >> 32);
                        if (users.Contains(symbol))
                        {
                            throw Bad("a relocation refers to marker symbol " + Name(names, U32(dynsym.Offset + (symbol * 24))) + ", so " + need.Version + " is really used");
                        }
                    }
                }
            }

            private Section Linked(Section from, uint type, string what)
            {
                if (from.Link >= _sections.Length || _sections[from.Link].Type != type)
                {
                    throw Bad(what + " links to section " + from.Link + ", which is not of the expected type");
                }
                return _sections[from.Link];
            }

            private string Name(Section table, uint offset)
            {
                if (offset >= table.Size)
                {
                    throw Bad("a name lies outside its string table");
                }
                long start = table.Offset + offset;
                long end = start;
                while (end < table.Offset + table.Size && _image[end] != 0)
                {
                    end++;
                }
                if (end == table.Offset + table.Size)
                {
                    throw Bad("a name in a string table is not terminated");
                }
                return Encoding.ASCII.GetString(_image, (int)start, (int)(end - start));
            }

            private void Within(Section s, long at, long length, string what)
            {
                if (at < s.Offset || at + length > s.Offset + s.Size)
                {
                    throw Bad(what + " lies outside its section");
                }
            }

            private void Need(long offset, long length, string what)
            {
                if (offset < 0 || length < 0 || offset + length > _image.Length)
                {
                    throw Bad(what + " lies beyond the end of the file (" + _image.Length + " bytes)");
                }
            }

            private ushort U16(long at)
            {
                Need(at, 2, "a field");
                return (ushort)(_image[at] | (_image[at + 1] << 8));
            }

            private uint U32(long at)
            {
                Need(at, 4, "a field");
                return (uint)(_image[at] | (_image[at + 1] << 8) | (_image[at + 2] << 16) | (_image[at + 3] << 24));
            }

            private ulong U64(long at) => U32(at) | ((ulong)U32(at + 4) << 32);

            private InvalidDataException Bad(string reason) => new InvalidDataException(_file + ": " + reason + ".");
        }
    }

#if !ENTROPY_ELF_TESTS
    /// <summary>MSBuild task: marks a version need weak in the given copies of a native library.</summary>
    public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The library copies to edit (build or publish output, never a package cache).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The needed library, e.g. libstdc++.so.6.</summary>
        [Microsoft.Build.Framework.Required]
        public string Library { get; set; } = "";

        /// <summary>The version to weaken, e.g. GLIBCXX_3.4.32.</summary>
        [Microsoft.Build.Framework.Required]
        public string Version { get; set; } = "";

        /// <summary>Semicolon-separated symbols that may use the version (link-time markers).</summary>
        [Microsoft.Build.Framework.Required]
        public string MarkerSymbols { get; set; } = "";

        /// <inheritdoc />
        public override bool Execute()
        {
            var markers = new HashSet<string>(MarkerSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries));
            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    WeakenOutcome outcome = ElfVersionNeeds.WeakenFile(path, Library, Version, markers);
                    if (outcome == WeakenOutcome.Weakened)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            "Entropy.MLNet: marked the " + Version + " need of " + path + " weak. Only the link-time marker " + string.Join(", ", markers)
                            + " uses it, so the library now also loads with an older " + Library + " (Debian 12 has GLIBCXX_3.4.30). The package cache's copy is untouched.");
                    }
                    else
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                            "Entropy.MLNet: " + path + ": " + (outcome == WeakenOutcome.AlreadyWeak ? "the " + Version + " need is already weak." : "no " + Version + " need."));
                    }
                }
                catch (Exception ex) when (ex is InvalidDataException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    // A warning, not an error: on a system whose libstdc++ has the version the library loads as it is.
                    Log.LogWarning(null, "ENTROPY001", null, path, 0, 0, 0, 0,
                        "Entropy.MLNet: left " + path + " unchanged: " + ex.Message + " It needs a libstdc++ with " + Version + " (GCC 13 or newer) to load.");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
