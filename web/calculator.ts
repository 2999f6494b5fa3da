/**
 * The public loan calculator (R-PROD-6): amount, term, notice channel and a rate within the range
 * offered (R-PROD-1) give the monthly payment, the total cost, the APR (R-PROD-5) and the full
 * payment plan, by the same domain quote as `POST /v1/quotes`. A GET form: no session state.
 */
import type { Router } from 'express';
import { Decimal } from '../domain/money';
import { DEFAULT_PRODUCT, NOTICE_CHANNELS, type NoticeChannel } from '../domain/product';
import { InvalidQuoteRequestError, quote, toQuoteResponse } from '../domain/quote';
import { stockholmDate } from '../domain/dates';
import { fill, webTexts } from '../texts/web';
import { page } from './handler';
import { type FieldError, langOf, render } from './render';

const P = DEFAULT_PRODUCT;

export function calculatorRoutes(router: Router): void {
  router.get(
    '/lanekalkyl',
    page(async (req, res) => {
      const t = webTexts(langOf(req));
      const q = req.query as Record<string, string | undefined>;
      const values = {
        amount: q.amount ?? '100 000',
        termMonths: q.termMonths ?? '60',
        rate: q.rate ?? P.minOfferedRatePercent.replace('.', ','),
        noticeChannel: q.noticeChannel ?? 'autogiro',
      };
      const errors: FieldError[] = [];
      let result;
      if (q.amount !== undefined) {
        const amount = values.amount.replace(/[\s\u00a0]/g, '').replace(',', '.');
        const rate = values.rate.replace(/[\s%]/g, '').replace(',', '.');
        const term = /^\d+$/.test(values.termMonths) ? Number(values.termMonths) : Number.NaN;
        if (!/^\d+(\.\d{1,2})?$/.test(amount))
          errors.push({ field: 'amount', message: fill(t.errors.invalid, { field: t.calculator.amount }) });
        if (!Number.isInteger(term))
          errors.push({ field: 'termMonths', message: fill(t.errors.invalid, { field: t.calculator.term }) });
        const inRange =
          /^\d+(\.\d{1,2})?$/.test(rate) &&
          new Decimal(rate).gte(P.minOfferedRatePercent) &&
          new Decimal(rate).lte(P.maxOfferedRatePercent);
        if (!inRange) errors.push({ field: 'rate', message: fill(t.errors.invalid, { field: t.calculator.rate }) });
        const channel = (NOTICE_CHANNELS as readonly string[]).includes(values.noticeChannel)
          ? (values.noticeChannel as NoticeChannel)
          : 'autogiro';
        if (errors.length === 0) {
          try {
            result = toQuoteResponse(
              quote({
                amount: new Decimal(amount),
                termMonths: term,
                nominalRatePercent: new Decimal(rate),
                noticeChannel: channel,
                payoutDate: stockholmDate(new Date()),
              }),
            );
          } catch (err) {
            if (!(err instanceof InvalidQuoteRequestError)) throw err;
            for (const v of err.violations) {
              const field = v.field === 'termMonths' ? 'termMonths' : v.field === 'amount' ? 'amount' : 'rate';
              const label = { amount: t.calculator.amount, termMonths: t.calculator.term, rate: t.calculator.rate }[
                field
              ];
              errors.push({ field, message: fill(t.errors.invalid, { field: label }) });
            }
          }
        }
      }
      await render(
        req,
        res,
        'calculator.njk',
        {
          title: t.calculator.title,
          values,
          errors,
          errorOf: Object.fromEntries(errors.map((e) => [e.field, e.message])),
          result,
          plan: result?.schedule ?? [],
          channels: NOTICE_CHANNELS,
          limits: {
            minAmount: P.minAmount,
            maxAmount: P.maxAmount,
            minTerm: P.minTermMonths,
            maxTerm: P.maxTermMonths,
            minRate: P.minOfferedRatePercent,
            maxRate: P.maxOfferedRatePercent,
          },
        },
        errors.length ? 400 : 200,
      );
    }),
  );
}
