using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace WaCluster.Engine.Connection;

/// <summary>Stanza ids like WhatsApp Web's: a random <c>a.b-</c> prefix per connection, then a counter.</summary>
public sealed class MessageTags
{
    private readonly string _prefix;
    private long _counter;

    public MessageTags()
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        _prefix = string.Create(CultureInfo.InvariantCulture,
            $"{BinaryPrimitives.ReadUInt16BigEndian(random)}.{BinaryPrimitives.ReadUInt16BigEndian(random[2..])}-");
    }

    public string Next() => _prefix + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
}
