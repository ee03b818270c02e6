using NeuralTheory.NativePatch;
using NeuralTheory.NativePatch.Elf;

// The command line of the build-time tool. Messages for MSBuild use its canonical format
// ("origin : warning CODE: text"), which the Exec task turns into build warnings and errors.
return Cli.Run(args, Console.Out);

/// <summary>The tool's command line: <c>patch FILE...</c> and <c>inspect FILE...</c>; returns the exit code (0 ok, 1 a file could not be patched, 2 usage).</summary>
public static class Cli
{
    /// <summary>Runs the tool with <paramref name="args"/>, writing MSBuild-formatted messages to <paramref name="output"/>.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length < 2 || (args[0] != "patch" && args[0] != "inspect"))
        {
            output.WriteLine("usage: NeuralTheory.NativePatch patch FILE...   mark safe GLIBCXX version needs weak");
            output.WriteLine("       NeuralTheory.NativePatch inspect FILE... list version needs and their bound symbols");
            return 2;
        }
        int exit = 0;
        foreach (string file in args.Skip(1))
        {
            try
            {
                if (args[0] == "patch") Patch(file, output);
                else Inspect(file, output);
            }
            catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                output.WriteLine($"{file} : error NT0002: NeuralTheory could not patch libLibTorchSharp.so: {e.Message}");
                exit = 1;
            }
        }
        return exit;
    }

    private static void Patch(string file, TextWriter output)
    {
        var result = WeakVersionNeedPatcher.PatchFile(file);
        string versions = string.Join(", ", result.Versions);
        switch (result.Status)
        {
            case PatchStatus.Patched:
                output.WriteLine($"NeuralTheory: marked {versions} weak in {file}");
                break;
            case PatchStatus.AlreadyWeak:
                output.WriteLine($"NeuralTheory: {versions} already weak in {file}");
                break;
            case PatchStatus.NotNeeded:
                output.WriteLine($"NeuralTheory: no GLIBCXX need above {WeakNeedPolicy.Default.Floor} in {file}");
                break;
            case PatchStatus.Refused:
                output.WriteLine(
                    $"{file} : warning NT0001: NeuralTheory left this file untouched: {versions} bind symbols that are not known to be unused " +
                    $"({string.Join(", ", result.BlockingSymbols)}); torch may fail to load where libstdc++ lacks {versions}.");
                break;
        }
    }

    private static void Inspect(string file, TextWriter output)
    {
        var image = ElfImage.Load(file);
        var symbols = DynamicSymbolTable.Read(image);
        foreach (var need in VersionNeedTable.Read(image))
        {
            var bound = symbols.Where(s => s.IsUndefined && s.VersionIndex == need.Index).ToList();
            output.WriteLine($"{need.Library} {need.Name} index={need.Index} flags=0x{need.Flags:x}{(need.IsWeak ? " weak" : "")} symbols={bound.Count}" +
                             (bound.Count is > 0 and <= 3 ? " [" + string.Join(", ", bound.Select(s => s.Name)) + "]" : ""));
        }
    }
}
