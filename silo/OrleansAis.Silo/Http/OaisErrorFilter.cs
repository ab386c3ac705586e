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
        catch (OaisException e)
        {
            return AisJson.Error(e);
        }
    }
}
