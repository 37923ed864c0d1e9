using Akka;
using Akka.Streams.Dsl;

namespace WaCluster.Actors.Connection.Streams;

/// <summary>
/// The byte side of one connection as stream ends: the chunks as they arrive (pulled only on demand), a sink that
/// writes each frame and completes once its last write is done, and how to close the underlying socket.
/// </summary>
internal sealed record WireEnds(Source<byte[], NotUsed> Reads, Sink<byte[], Task> Writes, Func<ValueTask> CloseAsync);
