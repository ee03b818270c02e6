using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Verification;
using TorchSharp;

namespace NeuralTheory.Lab.Tests;

public class VerifierTests
{
    [Fact]
    public void A_failing_check_is_reported_as_failed()
    {
        using var dir = new TempDirectory();
        var outcome = Assert.Single(Verifier.Run([new FailingFakeCheck()], new CheckContext(torch.CPU, 0, dir.Path)));
        Assert.Equal("fake.fails", outcome.Id);
        Assert.False(outcome.Passed);
        Assert.Equal(1, outcome.Result.Measured);
        Assert.Equal(0, outcome.Result.Expected);
        Assert.Equal(0.5, outcome.Result.Tolerance);
        Assert.True(outcome.Result.Seconds >= 0);
    }

    [Fact]
    public void An_exception_becomes_a_failed_result_with_the_message_and_the_run_goes_on()
    {
        using var dir = new TempDirectory();
        var started = new List<string>();
        var outcomes = Verifier.Run(
            [new ThrowingFakeCheck(), new PassingFakeCheck()],
            new CheckContext(torch.CPU, 0, dir.Path),
            started: (c, _) => started.Add(c.Id));

        Assert.Equal(["fake.throws", "fake.passes"], started);
        Assert.Equal(2, outcomes.Count);
        var thrown = outcomes[0];
        Assert.False(thrown.Passed);
        Assert.NotNull(thrown.Result.Note);
        Assert.Contains(ThrowingFakeCheck.Message, thrown.Result.Note);
        Assert.Contains(nameof(InvalidOperationException), thrown.Result.Note);
        Assert.True(double.IsNaN(thrown.Result.Measured));
        Assert.True(outcomes[1].Passed);
    }

    [Fact]
    public void Finished_callback_sees_every_outcome_in_order()
    {
        using var dir = new TempDirectory();
        var finished = new List<(string, int)>();
        Verifier.Run([new PassingFakeCheck(), new FailingFakeCheck()], new CheckContext(torch.CPU, 3, dir.Path),
            finished: (o, i) => finished.Add((o.Id, i)));
        Assert.Equal([("fake.passes", 0), ("fake.fails", 1)], finished);
    }
}
