namespace OrleansAis.Silo.Http;

/// <summary>Turns an <see cref="OaisException"/> thrown by an AIS-style endpoint into its JSON error with the mapped status.</summary>
public sealed class OaisErrorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        // Once a streamed body has begun, no status can be sent any more: let Kestrel abort the response instead.
        catch (OaisException e) when (!context.HttpContext.Response.HasStarted)
        {
            return AisJson.Error(e);
        }
    }
}
