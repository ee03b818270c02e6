using NeuralTheory.Lab.Checks;
using NeuralTheory.Lab.Experiments;

namespace NeuralTheory.Lab.Tests;

public class CheckRegistryTests
{
    [Fact]
    public void Default_registry_finds_both_foundation_checks()
    {
        var ids = CheckRegistry.Default.Checks.Select(c => c.Id).ToList();
        Assert.Contains("foundation.torch-loads", ids);
        Assert.Contains("foundation.bridge-roundtrip", ids);
    }

    [Fact]
    public void Default_ids_are_unique_well_formed_and_sorted()
    {
        var ids = CheckRegistry.Default.Checks.Select(c => c.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches(@"^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$", id));
        Assert.Equal(ids.OrderBy(i => i, StringComparer.Ordinal), ids);
    }

    [Fact]
    public void Every_check_states_claim_source_and_area()
    {
        Assert.All(CheckRegistry.Default.Checks, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Claim));
            Assert.False(string.IsNullOrWhiteSpace(c.Source));
            Assert.Equal(c.Id.Split('.')[0], c.Area);
        });
    }

    [Fact]
    public void Duplicate_ids_are_rejected()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new CheckRegistry([new FakeCheck("a.b"), new FakeCheck("a.b")]));
        Assert.Contains("a.b", ex.Message);
    }

    [Theory]
    [InlineData("noarea")]
    [InlineData("Area.name")]
    [InlineData("a.b.c")]
    [InlineData("a.-b")]
    [InlineData("a--b.c")]
    [InlineData("a.b_c")]
    [InlineData(".b")]
    public void Malformed_ids_are_rejected(string id)
    {
        Assert.False(Check.IsWellFormedId(id));
        Assert.Throws<InvalidOperationException>(() => new CheckRegistry([new FakeCheck(id)]));
    }

    [Theory]
    [InlineData("a.b")]
    [InlineData("foundation.torch-loads")]
    [InlineData("ode.dopri5-order-5")]
    public void Well_formed_ids_are_accepted(string id)
    {
        Assert.True(Check.IsWellFormedId(id));
        Assert.Single(new CheckRegistry([new FakeCheck(id)]).Checks);
    }

    [Fact]
    public void Prefix_selects_by_ordinal_start()
    {
        var registry = new CheckRegistry([new FakeCheck("b.x"), new FakeCheck("a.y"), new FakeCheck("a.x")]);
        Assert.Equal(["a.x", "a.y", "b.x"], registry.Checks.Select(c => c.Id));
        Assert.Equal(["a.x", "a.y"], registry.WithPrefix("a.").Select(c => c.Id));
        Assert.Empty(registry.WithPrefix("c"));
        Assert.Equal(3, registry.WithPrefix(null).Count);
    }

    [Fact]
    public void Default_experiment_registry_has_every_area_experiment_sorted_by_name()
    {
        Assert.Equal(["euler-acceleration", "icl-layers", "icl-preconditioner", "norm-depth", "ode-spiral", "resnet-scaling", "td-emergence"], ExperimentRegistry.Default.Experiments.Select(e => e.Name));
        Assert.Null(ExperimentRegistry.Default.Find("anything"));
    }
}
