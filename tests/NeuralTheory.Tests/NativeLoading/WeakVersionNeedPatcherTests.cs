using NeuralTheory.NativePatch;
using NeuralTheory.NativePatch.Elf;

namespace NeuralTheory.Tests.NativeLoading;

/// <summary>
/// The GLIBCXX weak-need patcher, on a copy of the real libLibTorchSharp.so from the NuGet cache and on synthetic
/// ELF files built from the specification's layouts.
/// </summary>
public sealed class WeakVersionNeedPatcherTests : IDisposable
{
    private const string Anchor = "_ZSt21ios_base_library_initv";
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-patch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The pristine libLibTorchSharp.so that the TorchSharp package ships (the NuGet cache is only read).</summary>
    private static string PristineLibrary()
    {
        string version = typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3);
        string path = Path.Combine(NuGetCache.GlobalPackagesFolder, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"Expected TorchSharp's native library at {path}");
        return path;
    }

    private string CopyOfPristine()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy);
        return copy;
    }

    private string Write(byte[] bytes, string name = "lib.so")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Real_library_gets_its_GLIBCXX_3_4_32_need_marked_weak_and_only_the_flag_bytes_change()
    {
        string file = CopyOfPristine();
        byte[] before = File.ReadAllBytes(file);
        var stamp = File.GetLastWriteTimeUtc(file);

        var result = WeakVersionNeedPatcher.PatchFile(file);

        Assert.Equal(PatchStatus.Patched, result.Status);
        var candidate = Assert.Single(result.Candidates);
        Assert.Equal("GLIBCXX_3.4.32", candidate.Need.Name);
        Assert.Equal("libstdc++.so.6", candidate.Need.Library);
        Assert.Equal([Anchor], candidate.BoundSymbols);
        byte[] after = File.ReadAllBytes(file);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, i => Assert.InRange((ulong)i, candidate.Need.FlagsOffset, candidate.Need.FlagsOffset + 1));
        ushort flags = (ushort)(after[candidate.Need.FlagsOffset] | after[candidate.Need.FlagsOffset + 1] << 8);
        Assert.Equal(candidate.Need.Flags | VersionNeedTable.WeakFlag, flags);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(file));

        var need = VersionNeedTable.Read(ElfImage.Load(file)).Single(n => n.Name == "GLIBCXX_3.4.32");
        Assert.True(need.IsWeak);
        Assert.All(VersionNeedTable.Read(ElfImage.Load(file)).Where(n => n.Name != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void A_second_run_changes_nothing()
    {
        string file = CopyOfPristine();
        WeakVersionNeedPatcher.PatchFile(file);
        byte[] once = File.ReadAllBytes(file);

        var again = WeakVersionNeedPatcher.PatchFile(file);

        Assert.Equal(PatchStatus.AlreadyWeak, again.Status);
        Assert.Equal(once, File.ReadAllBytes(file));
    }

    [Fact]
    public void The_pristine_library_in_the_NuGet_cache_is_refused_and_stays_pristine()
    {
        string cached = PristineLibrary();
        byte[] before = File.ReadAllBytes(cached);
        var e = Assert.Throws<InvalidOperationException>(() => WeakVersionNeedPatcher.PatchFile(cached));
        Assert.Contains("NuGet", e.Message);
        Assert.Equal(before, File.ReadAllBytes(cached));
        Assert.False(VersionNeedTable.Read(ElfImage.Load(cached)).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);
    }

    [Fact]
    public void Without_the_anchor_on_the_allow_list_the_real_library_is_refused_and_untouched()
    {
        string file = CopyOfPristine();
        byte[] before = File.ReadAllBytes(file);
        var strict = WeakNeedPolicy.Default with { AllowedSymbols = new HashSet<string>() };

        var result = WeakVersionNeedPatcher.PatchFile(file, strict);

        Assert.Equal(PatchStatus.Refused, result.Status);
        Assert.Equal([Anchor], result.BlockingSymbols);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_lower_floor_brings_in_needs_whose_symbols_are_really_used_and_the_file_is_refused()
    {
        string file = CopyOfPristine();
        byte[] before = File.ReadAllBytes(file);
        var lower = WeakNeedPolicy.Default with { Floor = new Version(3, 4, 28) };

        var result = WeakVersionNeedPatcher.PatchFile(file, lower);

        Assert.Equal(PatchStatus.Refused, result.Status);
        Assert.Contains("GLIBCXX_3.4.29", result.Versions);
        Assert.Contains("GLIBCXX_3.4.30", result.Versions);
        Assert.Contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE", result.BlockingSymbols);
        Assert.DoesNotContain(Anchor, result.BlockingSymbols);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Fact]
    public void Synthetic_library_with_only_the_anchor_is_patched_and_other_needs_keep_their_flags()
    {
        string file = Write(SyntheticElf.Build(
            new SyntheticElf.Need("GLIBCXX_3.4", 0, "_ZNSt8ios_base4InitC1Ev"),
            new SyntheticElf.Need("GLIBCXX_3.4.32", 0, Anchor),
            new SyntheticElf.Need("GLIBCXX_3.4.30", 0, "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE")));

        var result = WeakVersionNeedPatcher.PatchFile(file);

        Assert.Equal(PatchStatus.Patched, result.Status);
        var needs = VersionNeedTable.Read(ElfImage.Load(file)).ToDictionary(n => n.Name);
        Assert.Equal(VersionNeedTable.WeakFlag, needs["GLIBCXX_3.4.32"].Flags);
        Assert.Equal(0, needs["GLIBCXX_3.4.30"].Flags);
        Assert.Equal(0, needs["GLIBCXX_3.4"].Flags);
    }

    [Fact]
    public void Synthetic_library_whose_new_need_binds_a_used_symbol_is_refused_with_a_warning_naming_it()
    {
        byte[] bytes = SyntheticElf.Build(new SyntheticElf.Need("GLIBCXX_3.4.33", 0, Anchor, "_ZNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE9_M_appendEPKcm"));
        string file = Write(bytes);
        var output = new StringWriter();

        int exit = Cli.Run(["patch", file], output);

        Assert.Equal(0, exit);
        Assert.Contains($"{file} : warning NT0001:", output.ToString());
        Assert.Contains("_M_appendEPKcm", output.ToString());
        Assert.DoesNotContain(Anchor, output.ToString());
        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public void Weak_flag_is_added_to_existing_flags_without_clearing_them()
    {
        string file = Write(SyntheticElf.Build(new SyntheticElf.Need("GLIBCXX_3.4.32", 0x1, Anchor)));
        WeakVersionNeedPatcher.PatchFile(file);
        Assert.Equal(0x3, VersionNeedTable.Read(ElfImage.Load(file)).Single().Flags);
    }

    [Fact]
    public void Library_without_new_needs_is_left_alone()
    {
        byte[] bytes = SyntheticElf.Build(new SyntheticElf.Need("GLIBCXX_3.4.30", 0, "_ZSt28__throw_bad_array_new_lengthv"));
        string file = Write(bytes);
        Assert.Equal(PatchStatus.NotNeeded, WeakVersionNeedPatcher.PatchFile(file).Status);
        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void Truncated_real_library_gives_a_clear_error_and_stays_untouched(int keep)
    {
        byte[] full = File.ReadAllBytes(PristineLibrary());
        byte[] cut = full[..Math.Min(keep, full.Length - 1)];
        string file = Write(cut);

        var e = Assert.Throws<ElfFormatException>(() => WeakVersionNeedPatcher.PatchFile(file));

        Assert.Matches("shorter than an ELF64 header|outside the file|truncated", e.Message);
        Assert.Equal(cut, File.ReadAllBytes(file));
    }

    [Fact]
    public void Text_file_is_not_taken_for_ELF()
    {
        string file = Write("#!/bin/sh\necho this is not a shared object, only a text file\n"u8.ToArray());
        var e = Assert.Throws<ElfFormatException>(() => WeakVersionNeedPatcher.PatchFile(file));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void Corrupt_vernaux_chain_gives_a_clear_error_and_the_cli_reports_it_as_an_MSBuild_error()
    {
        byte[] bytes = SyntheticElf.Build(new SyntheticElf.Need("GLIBCXX_3.4.32", 0, Anchor));
        var image = ElfImage.Parse(bytes);
        var verneed = image.FindSection(ElfSectionType.GnuVersionNeeds)!.Value;
        bytes[verneed.Offset + 8] = 0xF0; // vn_aux now points past the section
        string file = Write(bytes);
        var output = new StringWriter();

        int exit = Cli.Run(["patch", file], output);

        Assert.Equal(1, exit);
        Assert.Contains($"{file} : error NT0002:", output.ToString());
        Assert.Contains("outside .gnu.version_r", output.ToString());
        Assert.Equal(bytes, File.ReadAllBytes(file));
    }

    [Fact]
    public void Big_endian_and_32_bit_files_are_refused_by_name()
    {
        byte[] bytes = SyntheticElf.Build(new SyntheticElf.Need("GLIBCXX_3.4.32", 0, Anchor));
        bytes[5] = 2;
        Assert.Contains("little-endian", Assert.Throws<ElfFormatException>(() => ElfImage.Parse(bytes)).Message);
        bytes[5] = 1; bytes[4] = 1;
        Assert.Contains("64-bit", Assert.Throws<ElfFormatException>(() => ElfImage.Parse(bytes)).Message);
    }

    [Fact]
    public void Native_floor_reads_the_needs_and_sees_the_patch()
    {
        string file = CopyOfPristine();
        var before = NativeFloor.Inspect(file, null);
        Assert.Contains(before.NewestNeeds, n => n.Version.ToString() == "GLIBCXX_3.4.32" && !n.Weak);
        Assert.Contains(before.NewestNeeds, n => n.Version.Family == "GLIBC");
        Assert.False(before.WeakNeedPatchApplied);

        WeakVersionNeedPatcher.PatchFile(file);
        var after = NativeFloor.Inspect(file, null);
        Assert.True(after.WeakNeedPatchApplied);
        Assert.Contains("GLIBCXX_3.4.32 (weak)", after.ToString());
    }

    [Fact]
    public void Native_floor_reads_the_system_libstdcxx_version_definitions()
    {
        string? libstdcxx = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(libstdcxx);
            return;
        }
        Assert.NotNull(libstdcxx);
        var floor = NativeFloor.Inspect(CopyOfPristine(), libstdcxx);
        Assert.NotNull(floor.LibStdCxxNewest);
        Assert.True(floor.LibStdCxxNewest!.Value.Number >= new Version(3, 4, 21), floor.ToString());
    }
}
