namespace WaCluster.Signal.Groups;

/// <summary>The message key seed of an iteration that was skipped over, kept so a late message can still decrypt.</summary>
/// <remarks>The seed array is never written after creation, so copies of a state may share it.</remarks>
internal readonly record struct SkippedMessageKey(uint Iteration, byte[] Seed);
