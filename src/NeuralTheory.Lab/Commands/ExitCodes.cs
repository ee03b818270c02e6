namespace NeuralTheory.Lab.Commands;

/// <summary>The Lab's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Success: every selected check passed / the command did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>The run completed but at least one check failed (or an experiment threw).</summary>
    public const int Failed = 1;

    /// <summary>The request cannot be served: unknown prefix or experiment, unavailable device, bad arguments.</summary>
    public const int Usage = 2;

    /// <summary>An unexpected error (e.g. libtorch failed to load); the message is printed.</summary>
    public const int Error = 3;
}
