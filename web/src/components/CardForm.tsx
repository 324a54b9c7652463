// The payment provider's hosted card form in a sandboxed iframe (no
// allow-same-origin): the card number, expiry and CVC are typed into the
// provider's page, which tokenizes them itself (payments/simulated/
// card-form.ts); this app only ever receives the token, brand and last four
// digits, by postMessage. The frame has a fixed height (no layout shift).
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import { randomUuid } from "../../../shared/ids.ts";
import { useI18n } from "../i18n.tsx";
import type { CardToken } from "../storage.ts";

export class CardError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface CardFormHandle {
  /** Asks the form to tokenize what was typed; rejects with CardError (the form shows the message too). */
  tokenize(): Promise<CardToken>;
  /** Asks the form to show what is wrong with the card, without tokenizing it: true when nothing is. */
  check(): Promise<boolean>;
}

/** Where the provider's card form lives: the simulated provider Keepr mounts. */
export const cardFormPath = "/simulated-provider/card-form";

interface FormMessage {
  source?: string;
  type?: string;
  requestId?: string;
  token?: { id: string; brand: string; last4: string };
  code?: string;
  message?: string;
  ok?: boolean;
}

export const CardForm = forwardRef<CardFormHandle, { onSubmit?: () => void }>(function CardForm({ onSubmit }, ref) {
  const { t, language } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const pending = useRef(new Map<string, { resolve: (token: CardToken) => void; reject: (error: Error) => void }>());
  const checks = useRef(new Map<string, (ok: boolean) => void>());
  const submit = useRef(onSubmit);
  submit.current = onSubmit;

  useEffect(() => {
    setReady(false);
    const onMessage = (event: MessageEvent<FormMessage>) => {
      if (!frame.current || event.source !== frame.current.contentWindow || event.data?.source !== "keepr-card-form") return;
      const data = event.data;
      if (data.type === "ready") setReady(true);
      else if (data.type === "submit") submit.current?.();
      else if (data.type === "checked" && data.requestId) {
        checks.current.get(data.requestId)?.(data.ok === true);
        checks.current.delete(data.requestId);
      } else if ((data.type === "token" || data.type === "error") && data.requestId) {
        const waiting = pending.current.get(data.requestId);
        if (!waiting) return;
        pending.current.delete(data.requestId);
        if (data.type === "token" && data.token) waiting.resolve({ id: data.token.id, brand: data.token.brand, last4: data.token.last4 });
        else waiting.reject(new CardError(data.code ?? "card_error", data.message ?? "The card was not accepted."));
      }
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [language]);

  useImperativeHandle(ref, () => ({
    tokenize: () =>
      new Promise<CardToken>((resolve, reject) => {
        const target = frame.current?.contentWindow;
        if (!target || !ready) return reject(new CardError("not_ready", t("book.cardLoading")));
        const requestId = randomUuid();
        pending.current.set(requestId, { resolve, reject });
        // The sandboxed frame has an opaque origin: "*" is the only target it matches; it answers only this window.
        target.postMessage({ type: "tokenize", requestId }, "*");
        setTimeout(() => {
          if (pending.current.delete(requestId)) reject(new CardError("timeout", t("error.NETWORK")));
        }, 20_000);
      }),
    check: () =>
      new Promise<boolean>((resolve) => {
        const target = frame.current?.contentWindow;
        if (!target || !ready) return resolve(false);
        const requestId = randomUuid();
        checks.current.set(requestId, resolve);
        target.postMessage({ type: "check", requestId }, "*");
        setTimeout(() => {
          if (checks.current.delete(requestId)) resolve(false);
        }, 5_000);
      }),
  }), [ready, t]);

  const src = `${cardFormPath}?${new URLSearchParams({ origin: window.location.origin, lang: language })}`;
  return (
    <div className="card-frame">
      <iframe
        key={language}
        ref={frame}
        src={src}
        title={t("book.cardFrame")}
        sandbox="allow-scripts allow-forms"
        referrerPolicy="no-referrer"
      />
      {ready ? null : <p className="card-loading" aria-hidden="true">{t("book.cardLoading")}</p>}
    </div>
  );
});
