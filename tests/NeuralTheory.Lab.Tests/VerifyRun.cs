namespace NeuralTheory.Lab.Tests;

/// <summary>One in-process <c>verify</c> of all checks into a temp directory, shared by <see cref="VerifyCommandTests"/>.</summary>
public sealed class VerifyRun : IDisposable
{
    private readonly TempDirectory _dir = new();

    public VerifyRun()
    {
        OutputDirectory = Path.Combine(_dir.Path, "report");
        (Exit, Output) = CapturedConsole.Run("verify", "--out", OutputDirectory);
    }

    public string OutputDirectory { get; }
    public int Exit { get; }
    public string Output { get; }

    public void Dispose() => _dir.Dispose();
}
