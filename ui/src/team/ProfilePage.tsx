import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import type { PasswordChange } from "../bindings/PasswordChange";
import type { ProfileUpdate } from "../bindings/ProfileUpdate";
import type { Session } from "../bindings/Session";
import type { User } from "../bindings/User";
import { api, ApiError, apiUrl, storeSession, updateStoredUser } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import { Button, Card, ErrorText, Field, Input } from "../components/ui";
import { FileButton } from "../components/FileButton";

/**
 * `/console/profile`: the signed-in user's name (as guests see it on the call), photo (on their
 * booking page) and password. A password change signs out every other session and keeps this
 * one.
 */
export default function ProfilePage() {
  const { t } = useI18n();
  const user = useUser();
  const [name, setName] = useState(user?.display_name ?? "");
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const rename = useMutation({
    mutationFn: (body: ProfileUpdate) => api<User>("/api/me", { method: "PATCH", body }),
    onSuccess: updateStoredUser,
  });
  const changePassword = useMutation({
    mutationFn: (body: PasswordChange) => api<Session>("/api/me/password", { method: "POST", body }),
    onSuccess: (session) => {
      storeSession(session);
      setCurrent("");
      setNext("");
    },
  });
  const fieldError = (error: unknown, field: string) => (error instanceof ApiError && error.field === field ? error.message : null);
  return (
    <div className="space-y-6" data-testid="profile-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("profile.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{user?.email} · {user && t(`role.${user.role}`)}</p>
      </div>
      <Card>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate({ display_name: name });
          }}
        >
          <div className="min-w-0 flex-1">
            <Field label={t("profile.name")} hint={t("profile.nameHint")} error={fieldError(rename.error, "display_name")}>
              <Input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="profile-name" />
            </Field>
          </div>
          <Button type="submit" disabled={rename.isPending} data-testid="profile-save">{rename.isSuccess ? t("common.saved") : t("common.save")}</Button>
        </form>
      </Card>
      {user && <PhotoCard slug={user.slug} />}
      <Card>
        <h2 className="mb-3 font-semibold">{t("profile.password")}</h2>
        <form
          className="grid gap-3 md:grid-cols-[1fr_1fr_auto] md:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            changePassword.mutate({ current_password: current, new_password: next });
          }}
        >
          <Field label={t("profile.current")}>
            <Input type="password" required autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="profile-current" />
          </Field>
          <Field label={t("signup.password")} error={fieldError(changePassword.error, "new_password")}>
            <Input type="password" required minLength={10} autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="profile-new" />
          </Field>
          <Button type="submit" disabled={changePassword.isPending} data-testid="profile-change-password">{t("profile.change")}</Button>
        </form>
        {changePassword.error instanceof ApiError && changePassword.error.status === 403 ? (
          <p className="mt-2 text-sm text-rose-300" role="alert">{t("profile.wrongCurrent")}</p>
        ) : (
          !fieldError(changePassword.error, "new_password") && <ErrorText error={changePassword.error} />
        )}
        {changePassword.isSuccess && <p className="mt-2 text-sm text-emerald-300" role="status" data-testid="profile-password-changed">{t("profile.changed")}</p>}
      </Card>
    </div>
  );
}

/**
 * The photo prospects see on `/book/<slug>`: shown from the public booking-page URL (what they
 * load), uploaded with `PUT /api/me/photo`, removed with `DELETE`.
 */
function PhotoCard({ slug }: { slug: string }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(() => Date.now());
  const [shown, setShown] = useState(true);
  const refresh = () => {
    setVersion(Date.now());
    setShown(true);
  };
  const upload = useMutation({
    mutationFn: (file: File) => api("/api/me/photo", { method: "PUT", raw: file, contentType: file.type }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => api("/api/me/photo", { method: "DELETE" }), onSuccess: refresh });
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("profile.photo")}</h2>
      <div className="flex flex-wrap items-center gap-4">
        {shown && (
          <img
            src={apiUrl(`/api/book/${encodeURIComponent(slug)}/photo?v=${version}`)}
            alt={t("profile.photoAlt")}
            className="h-20 w-20 rounded-full object-cover ring-2 ring-white/10"
            onError={() => setShown(false)}
            data-testid="profile-photo"
          />
        )}
        <FileButton accept="image/png,image/jpeg,image/webp" onFile={(file) => upload.mutate(file)} disabled={upload.isPending} inputTestId="profile-photo-file" buttonTestId="profile-photo-upload">
          {shown ? t("profile.photoReplace") : t("profile.photoUpload")}
        </FileButton>
        {shown && (
          <Button variant="secondary" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="profile-photo-remove">
            {t("profile.photoRemove")}
          </Button>
        )}
        <p className="basis-full text-xs text-white/60">{t("profile.photoHint")}</p>
      </div>
      <ErrorText error={upload.error ?? remove.error} />
    </Card>
  );
}
