using System.Buffers.Text;
using System.Text;

namespace OrleansAis.Silo.Http.S3.Operations;

/// <summary>
/// An S3 upload id is <c>{local id}.{base64url node id}</c>: it names the silo holding the parts, so any silo can send
/// later calls of the upload there, even if the key's owner changes while the upload runs.
/// </summary>
public static class S3UploadId
{
    public static string Format(string nodeId, string localId) => localId + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(nodeId));

    /// <summary>The node and its local upload id; null when <paramref name="uploadId"/> is not one of ours.</summary>
    public static (string NodeId, string LocalId)? Parse(string uploadId)
    {
        var dot = uploadId.IndexOf('.');
        if (dot <= 0) return null;
        try
        {
            return (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(uploadId.AsSpan(dot + 1))), uploadId[..dot]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
