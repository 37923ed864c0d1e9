namespace WaCluster.Signal;

/// <summary>Names the sender key of one sender device in one group; serialized "group::name::device" like Baileys.</summary>
public readonly record struct SenderKeyName(string GroupId, ProtocolAddress Sender)
{
    public override string ToString() => $"{GroupId}::{Sender.Name}::{Sender.DeviceId}";
}
