namespace WaCluster.Cluster.Tests.Support;

/// <summary>
/// Scale proofs that load the whole machine (hundreds of accounts, thousands of messages on 2 cores) run in this
/// collection, after and apart from the other test classes: what they prove is the cluster's behaviour, not how it
/// shares the cores with unrelated tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
