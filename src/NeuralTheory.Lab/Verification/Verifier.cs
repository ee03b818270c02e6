using System.Diagnostics;
using NeuralTheory.Lab.Checks;
using TorchSharp;

namespace NeuralTheory.Lab.Verification;

/// <summary>
/// Runs checks one after another, each inside its own <c>torch.NewDisposeScope()</c> (so its tensors are freed when it
/// ends) after seeding torch's generator with the context's seed, timed with a <see cref="Stopwatch"/>. An exception
/// never stops the run: it becomes a failed result whose note is the exception's type and message.
/// </summary>
public static class Verifier
{
    /// <summary>Runs <paramref name="checks"/> in order.</summary>
    /// <param name="checks">The checks to run.</param>
    /// <param name="context">Device, seed and output directory shared by all checks.</param>
    /// <param name="started">Called before each check with the check and its 0-based position.</param>
    /// <param name="finished">Called after each check with its outcome and its 0-based position.</param>
    /// <returns>One outcome per check, in the order given.</returns>
    public static IReadOnlyList<CheckOutcome> Run(
        IEnumerable<Check> checks,
        CheckContext context,
        Action<Check, int>? started = null,
        Action<CheckOutcome, int>? finished = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(context);
        var outcomes = new List<CheckOutcome>();
        int index = 0;
        foreach (var check in checks)
        {
            started?.Invoke(check, index);
            var outcome = CheckOutcome.Of(check, RunOne(check, context));
            outcomes.Add(outcome);
            finished?.Invoke(outcome, index);
            index++;
        }
        return outcomes;
    }

    /// <summary>Runs one check: seeded, scoped, timed; exceptions become failed results.</summary>
    public static CheckResult RunOne(Check check, CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var stopwatch = Stopwatch.StartNew();
        CheckResult result;
        try
        {
            using (torch.NewDisposeScope())
            {
                torch.random.manual_seed(context.Seed);
                result = check.Run(context) ?? CheckResult.Failure($"{check.GetType().Name}.Run returned null.");
            }
        }
        catch (Exception ex)
        {
            var inner = ex is System.Reflection.TargetInvocationException { InnerException: { } ie } ? ie : ex;
            result = CheckResult.Failure($"{inner.GetType().Name}: {inner.Message}");
        }
        stopwatch.Stop();
        return result with { Seconds = stopwatch.Elapsed.TotalSeconds };
    }
}
