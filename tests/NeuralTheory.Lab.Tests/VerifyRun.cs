namespace NeuralTheory.Lab.Tests;

/// <summary>One in-process <c>verify --only foundation</c> into a temp directory, shared by <see cref="VerifyCommandTests"/>.</summary>
public sealed class VerifyRun : IDisposable
{
    private readonly TempDirectory _dir = new();

    public VerifyRun()
    {
        OutputDirectory = Path.Combine(_dir.Path, "report");
        // Only the quick foundation checks: the full verify grows with every area (slow training checks included).
        (Exit, Output) = CapturedConsole.Run("verify", "--only", "foundation", "--out", OutputDirectory);
    }

    public string OutputDirectory { get; }
    public int Exit { get; }
    public string Output { get; }

    public void Dispose() => _dir.Dispose();
}
