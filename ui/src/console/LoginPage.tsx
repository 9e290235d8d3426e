import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, login } from "../api/client";
import { useI18n } from "../i18n";
import { AuthShell } from "../components/AuthShell";
import { SignInCard } from "../components/SignInCard";

export default function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next");

  return (
    <AuthShell>
      <SignInCard
        signIn={async (email, password) => {
          await login(email, password);
          navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/console", { replace: true });
        }}
        describeError={(e) =>
          e instanceof ApiError && e.status === 401
            ? t("login.failed")
            : e instanceof ApiError && e.status === 403
              ? t("login.deactivated")
              : e instanceof Error
                ? e.message
                : t("common.error")
        }
      />
      <div className="flex flex-col items-center gap-2 text-sm">
        <Link to="/forgot-password" className="text-white/60 hover:text-white" data-testid="login-forgot">{t("login.forgot")}</Link>
        <Link to="/signup" className="text-white/60 hover:text-white" data-testid="login-signup">{t("login.noAccount")}</Link>
      </div>
    </AuthShell>
  );
}
