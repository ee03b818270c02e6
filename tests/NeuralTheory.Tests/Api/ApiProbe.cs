using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>What one call did.</summary>
internal enum CallKind { Success, ArgumentError, OtherError, Hang, HarnessError }

/// <summary>The result of one reflected call.</summary>
internal sealed record CallResult(CallKind Kind, Exception? Error = null)
{
    public ArgumentException? Argument => Error as ArgumentException;

    public string Describe() => Kind switch
    {
        CallKind.Success => "returned normally",
        CallKind.Hang => $"did not return within {ApiProbe.Timeout.TotalSeconds:0} s",
        _ => $"{Error!.GetType().Name}: {FirstLine(Error.Message)}",
    };

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

/// <summary>Reflected calls under a timeout and a dispose scope, and the search for a valid argument combination.</summary>
internal static class ApiProbe
{
    /// <summary>A call that runs longer than this is a hang (a failure).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>With BAD_ARGUMENT_TRACE set, every call is logged (flushed) there first: a native crash kills the test host, and the last line names the member.</summary>
    private static readonly StreamWriter? Trace = Environment.GetEnvironmentVariable("BAD_ARGUMENT_TRACE") is { Length: > 0 } path
        ? new StreamWriter(path, append: false) { AutoFlush = true }
        : null;

    /// <summary>Calls <paramref name="member"/> on a worker task; every argument (and the receiver) is built inside the call's dispose scope.</summary>
    public static CallResult Invoke(MethodBase member, Func<object?>? receiver, IReadOnlyList<Func<object?>> args)
    {
        Trace?.WriteLine(ApiInstances.Name(member));
        var task = Task.Run(() => InvokeNow(member, receiver, args));
        if (!task.Wait(Timeout)) return new CallResult(CallKind.Hang);
        return task.Result;
    }

    private static CallResult InvokeNow(MethodBase member, Func<object?>? receiver, IReadOnlyList<Func<object?>> args)
    {
        using var scope = torch.NewDisposeScope();
        object? target = null;
        object?[] values;
        try
        {
            target = receiver?.Invoke();
            values = args.Select(a => a()).ToArray();
        }
        catch (Exception e)
        {
            return new CallResult(CallKind.HarnessError, Unwrap(e));
        }
        object? result = null;
        try
        {
            result = member is ConstructorInfo c ? c.Invoke(values) : member.Invoke(target, values);
            Touch(result);
            return new CallResult(CallKind.Success);
        }
        catch (Exception e)
        {
            var inner = Unwrap(e);
            return inner is ArgumentException ? new CallResult(CallKind.ArgumentError, inner) : new CallResult(CallKind.OtherError, inner);
        }
        finally
        {
            if (result is IDisposable d and not Tensor) d.Dispose();
            if (target is IDisposable t and not Tensor) t.Dispose();
        }
    }

    /// <summary>Makes lazy results do their work: enumerables are walked (a few items), so a deferred argument check runs.</summary>
    private static void Touch(object? result)
    {
        if (result is IEnumerable e and not string and not Array and not Tensor)
        {
            int n = 0;
            foreach (var item in e)
                if (++n >= 3) break;
        }
    }

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
        while (e is AggregateException { InnerExceptions.Count: 1 } a) e = a.InnerExceptions[0];
        return e;
    }

    /// <summary>True when <paramref name="e"/> names <paramref name="name"/>: as its ParamName (or the first segment of a dotted ParamName such as <c>options.MaxStep</c>).</summary>
    public static bool ParamNameIs(ArgumentException e, string name)
    {
        if (e.ParamName is not { } p) return false;
        if (string.Equals(p, name, StringComparison.OrdinalIgnoreCase)) return true;
        var first = p.Split('.', '[', ' ')[0];
        return string.Equals(first, name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when the message text mentions <paramref name="name"/> as a word.</summary>
    public static bool MessageNames(ArgumentException e, string name) =>
        Regex.IsMatch(e.Message, $@"(?<![\w]){Regex.Escape(name)}(?![\w])", RegexOptions.IgnoreCase);

    /// <summary>
    /// Looks for arguments the member accepts: starting from each parameter's first candidate, an
    /// <see cref="ArgumentException"/> naming parameter j moves j to its next candidate (odometer: when j wraps, the
    /// parameter before it moves on). Returns the candidate indices and whether the last call succeeded.
    /// </summary>
    public static (int[] Index, bool Valid, CallResult Last) FindBaseline(MethodBase member, Func<object?>? receiver,
        IReadOnlyList<Sample>[] candidates, int maxAttempts = 60)
    {
        var ps = member.GetParameters();
        var idx = new int[ps.Length];
        CallResult last = new(CallKind.HarnessError);
        for (int attempt = 0; attempt < maxAttempts; attempt++)
        {
            last = Invoke(member, receiver, ps.Select((_, i) => candidates[i][idx[i]].Make).ToArray());
            if (last.Kind == CallKind.Success) return (idx, true, last);
            if (last.Argument is not { } ae) return (idx, false, last);
            int j = Array.FindIndex(ps, p => ParamNameIs(ae, p.Name!));
            if (j < 0) j = Array.FindIndex(ps, p => MessageNames(ae, p.Name!) && candidates[Array.IndexOf(ps, p)].Count > 1);
            if (j < 0) return (idx, false, last);
            // Odometer step from j: advance j; on wrap-around carry to an earlier parameter with more than one candidate.
            int k = j;
            while (true)
            {
                idx[k]++;
                if (idx[k] < candidates[k].Count) break;
                idx[k] = 0;
                k--;
                while (k >= 0 && candidates[k].Count < 2) k--;
                if (k < 0) return (idx, false, last);
            }
        }
        return (idx, false, last);
    }
}
