using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansAis.Hosting;

/// <summary>
/// Startup validation of the options a silo binds: each options class lists its problems (naming the configuration key,
/// e.g. <c>Rebalance:DrainTimeout must be more than zero</c>) and its validator reports them when the host starts, so a
/// bad setting stops the silo there instead of failing later.
/// </summary>
public static class OptionsValidation
{
    /// <summary>Registers <typeparamref name="TValidator"/> and validates <typeparamref name="TOptions"/> when the host starts.</summary>
    public static OptionsBuilder<TOptions> ValidateOnStartWith<TOptions, TValidator>(this OptionsBuilder<TOptions> options)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return options.ValidateOnStart();
    }

    /// <summary>Success when there are no problems, else a failure listing all of them.</summary>
    public static ValidateOptionsResult Result(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
