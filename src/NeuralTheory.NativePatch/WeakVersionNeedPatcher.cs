using NeuralTheory.NativePatch.Elf;

namespace NeuralTheory.NativePatch;

/// <summary>What <see cref="WeakVersionNeedPatcher"/> did, or would do, to a file.</summary>
public enum PatchStatus
{
    /// <summary>No need of the policy's family is newer than its floor: nothing to do.</summary>
    NotNeeded,
    /// <summary>Every such need is already weak (a second run over a patched file).</summary>
    AlreadyWeak,
    /// <summary>The needs were (or can be) marked weak.</summary>
    Patched,
    /// <summary>A need binds a symbol that is not on the allow-list: the file is left untouched.</summary>
    Refused,
}

/// <summary>One version need newer than the floor, with the undefined symbols bound to it.</summary>
/// <param name="Need">The need.</param>
/// <param name="BoundSymbols">Undefined dynamic symbols whose <c>.gnu.version</c> index is the need's.</param>
/// <param name="BlockingSymbols">Those of <paramref name="BoundSymbols"/> that are not on the allow-list.</param>
public sealed record NeedAssessment(VersionNeed Need, IReadOnlyList<string> BoundSymbols, IReadOnlyList<string> BlockingSymbols);

/// <summary>The outcome for one file.</summary>
/// <param name="Status">What was done.</param>
/// <param name="Candidates">The needs newer than the floor, each with its bound symbols.</param>
public sealed record PatchResult(PatchStatus Status, IReadOnlyList<NeedAssessment> Candidates)
{
    /// <summary>The names of the candidate versions (e.g. <c>GLIBCXX_3.4.32</c>).</summary>
    public IEnumerable<string> Versions => Candidates.Select(c => c.Need.Name).Distinct();

    /// <summary>Every symbol that kept the file from being patched.</summary>
    public IEnumerable<string> BlockingSymbols => Candidates.SelectMany(c => c.BlockingSymbols).Distinct();
}

/// <summary>
/// Marks version needs weak in an ELF shared object (sets <c>VER_FLG_WEAK</c> in their <c>vna_flags</c>) so that
/// the dynamic loader accepts an older dependency, when a <see cref="WeakNeedPolicy"/> says that is safe.
/// Used on TorchSharp 0.107.0's <c>libLibTorchSharp.so</c>, whose need for <c>GLIBCXX_3.4.32</c> binds only the
/// unused anchor <c>std::ios_base_library_init()</c>: weakened, it loads with Debian 12's libstdc++ (3.4.30).
/// </summary>
/// <remarks>
/// Idempotent. Changes only the two-byte <c>vna_flags</c> fields of the weakened needs; writes through a temporary
/// file and a rename, so a hard link into the NuGet cache is never written through; keeps the file's timestamp and
/// mode, so MSBuild's incremental copy sees the file as up to date. A weak need is harmless where the version
/// exists, so the decision does not depend on the build machine's libstdc++.
/// </remarks>
public static class WeakVersionNeedPatcher
{
    /// <summary>Assesses an image without changing it.</summary>
    /// <exception cref="ElfFormatException">The image is malformed.</exception>
    public static PatchResult Assess(ElfImage image, WeakNeedPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(policy);
        var needs = VersionNeedTable.Read(image).Where(n => policy.IsAboveFloor(n.Name)).ToList();
        if (needs.Count == 0) return new PatchResult(PatchStatus.NotNeeded, []);

        var symbols = DynamicSymbolTable.Read(image);
        var candidates = needs.Select(need =>
        {
            var bound = symbols.Where(s => s.IsUndefined && s.VersionIndex == need.Index).Select(s => s.Name).Distinct().ToList();
            var blocking = bound.Where(s => !policy.AllowedSymbols.Contains(s)).ToList();
            return new NeedAssessment(need, bound, blocking);
        }).ToList();

        var status = candidates.Any(c => c.BlockingSymbols.Count > 0) ? PatchStatus.Refused
            : candidates.All(c => c.Need.IsWeak) ? PatchStatus.AlreadyWeak
            : PatchStatus.Patched;
        return new PatchResult(status, candidates);
    }

    /// <summary>Assesses a file and, where the policy allows, marks its needs weak in place.</summary>
    /// <param name="path">The shared object; it must not lie in the NuGet global packages folder.</param>
    /// <param name="policy">The policy; <see cref="WeakNeedPolicy.Default"/> when <c>null</c>.</param>
    /// <exception cref="ElfFormatException">The file is malformed; it is left untouched.</exception>
    /// <exception cref="InvalidOperationException">The file lies in the NuGet cache.</exception>
    public static PatchResult PatchFile(string path, WeakNeedPolicy? policy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        policy ??= WeakNeedPolicy.Default;
        string full = Path.GetFullPath(path);
        if (NuGetCache.Contains(full))
            throw new InvalidOperationException($"Refusing to patch '{full}': it lies in the NuGet packages folder, which must stay pristine. Patch the copy in the build output.");

        byte[] bytes = File.ReadAllBytes(full);
        var result = Assess(ElfImage.Parse(bytes), policy);
        if (result.Status != PatchStatus.Patched) return result;

        foreach (var c in result.Candidates.Where(c => !c.Need.IsWeak))
        {
            ushort flags = (ushort)(c.Need.Flags | VersionNeedTable.WeakFlag);
            bytes[c.Need.FlagsOffset] = (byte)flags;
            bytes[c.Need.FlagsOffset + 1] = (byte)(flags >> 8);
        }
        ReplaceContents(full, bytes);
        return result;
    }

    private static void ReplaceContents(string path, byte[] bytes)
    {
        var info = new FileInfo(path);
        DateTime written = info.LastWriteTimeUtc;
        UnixFileMode? mode = OperatingSystem.IsWindows() ? null : info.UnixFileMode;
        string temp = path + ".neuraltheory-patch.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            if (mode is { } m && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, m);
            File.SetLastWriteTimeUtc(temp, written);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
