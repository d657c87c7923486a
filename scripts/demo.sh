#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing, builds, creates a demo registry
# in ./demo/ (a Hainan 白沙 green-tea cooperative with a green-food certificate and a GI lot),
# issues and prints signed lots, a 承诺达标合格证, a code file and an Excel report. Safe to run
# again: ./demo/ is made afresh each time.
# The organisations, certificate numbers and village codes are illustrative, not real records.
# Adds a bureau-admin and a clerk console account with one-time passwords printed at the end.
# Ends by serving the verify page and the console on 127.0.0.1:8080 until Ctrl-C; --no-serve stops before that.
set -euo pipefail
serve=1
[ "${1:-}" = "--no-serve" ] && serve=0
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh build >/dev/null
bin=$PWD/build/agritrace

rm -rf demo
mkdir -p demo
export AGRITRACE_DB=$PWD/demo/registry.db
at() { "$bin" "$@"; }
json() { "$bin" --json "$@"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

today=$(TZ=Asia/Shanghai date +%F)
harvested=$(TZ=Asia/Shanghai date -d '-12 days' +%F)
packed=$(TZ=Asia/Shanghai date -d '-5 days' +%F)

echo "== 1. 登记库 / registry =="
at init --base-url https://v.baisha.gov.cn --name trace.baisha.gov.cn

cat > demo/regions.csv <<'CSV'
code,name,poverty_registered
469025,白沙黎族自治县,0
469025100000,牙叉镇,0
469025100201,南溪村,1
469025100202,对俄村,0
469025101000,七坊镇,0
469025101201,高石村,1
469025200000,细水乡,0
469025200201,白沙村,1
CSV
at region import demo/regions.csv

echo "== 2. 主体、产品、品牌、证书 / organisation, products, brand, certificates =="
org=$(json org add --name "白沙县牙叉镇南溪茶叶专业合作社" --credit-code 93469025MA5T0A1B2C \
      --kind cooperative --region 469025 | field id)
tea=$(json product add --org "$org" --name "白沙绿茶（一级）" --category 茶叶 --net-content-g 250 \
      --gtin 6901234560022 | field id)
brand=$(json brand add --name "白沙绿茶" --scheme regional-public --region 469025 --level provincial \
        --year 2019 --recognised-by "海南省农业农村厅" --product "$tea" | field id)
at cert add --type green-food --number LB-18-2304460123A --issuer "中国绿色食品发展中心" \
   --holder "$org" --product "$tea" --valid-from 2025-05-01 --annual-output-kg 20000
at cert add --type geographic-indication --number AGI01234 --issuer "农业农村部" \
   --holder "$org" --product "$tea" --valid-from 2019-01-01 --area 469025

echo "== 3. 发放批次 / issue lots =="
json lot issue --product "$tea" --origin 469025100201 --harvested "$harvested" --packed "$packed" \
  --units 1200 --cert LB-18-2304460123A --brand "$brand" \
  --household H-0001:120.5:poor --household H-0002:86 --household H-0003:64.5:poor \
  --inspection "海南省农产品质量安全检测中心:HN$(date +%Y)-0412:pass" > demo/green-lot.json
green=$(field code < demo/green-lot.json)
json lot issue --product "$tea" --origin 469025101201 --harvested "$harvested" --packed "$packed" \
  --units 800 --cert AGI01234 --brand "$brand" --household H-0101:150:poor --household H-0102:90 \
  > demo/gi-lot.json
gi=$(field code < demo/gi-lot.json)
at lot event add "$green" --step harvesting --at "${harvested}T07:30:00+08:00" --place 469025100201 \
   --actor "南溪村茶园" --note "一芽一叶手工采摘"
at lot event add "$green" --step packing --at "${packed}T15:00:00+08:00" --place 469025100000 \
   --actor "合作社加工厂"

echo "== 4. 已签名的批次 / the signed lots =="
at lot show "$green"
at lot show "$gi"
at lot export "$green" --out demo/export >/dev/null
echo
echo "离线验签 / verify offline with openssl:"
openssl pkeyutl -verify -pubin -inkey demo/export/key.pem -rawin -in demo/export/record.json \
  -sigfile demo/export/record.sig

echo "== 5. 一物一码与标签 / unit codes and labels =="
at label mint --lot "$green" --count 1200 --spare 12
at label print --lot "$green" --format pdf --size 50x30 --sheet a4:4x9 --out demo/labels-a4.pdf
at label print --lot "$green" --from 1 --to 50 --format tspl --size 50x30 --out demo/labels.tspl
at label print --lot "$gi" --lot-only --format pdf --size 60x40 --out demo/gi-lot-label.pdf
echo
echo "登记库 / registry: $AGRITRACE_DB   绿色食品批次 / green-food lot: $green   地理标志批次 / GI lot: $gi"
echo "A4 不干胶标签 / A4 sticker sheets: demo/labels-a4.pdf   热敏打印机 TSPL / thermal printer: demo/labels.tspl"
echo "（把 TSPL 文件发到打印机：cat demo/labels.tspl > /dev/usb/lp0 / send it to the printer）"

echo "== 6. 承诺达标合格证、码包、Excel 报表 / compliance certificate, code file, Excel report =="
hgz=$(json hgz issue --lot "$green" --weight-kg 100 --basis commissioned-test \
      --report "HN$(date +%Y)-0412" --contact 13800000000 | field number)
at hgz show "$hgz"
at hgz print "$hgz" --format pdf --size 100x70 --out demo/hgz-100x70.pdf
# One label for both: the lot label carrying the certificate's QR.
at label print --lot "$green" --lot-only --hgz "$hgz" --format pdf --size 60x40 \
  --out demo/lot-label-with-hgz.pdf
at label export --lot "$green" --from 1 --to 100 --out demo/codes-1-100.csv
at audit monthly --month "$(TZ=Asia/Shanghai date +%Y-%m)" --out demo/monthly.xlsx
echo "合格证 / certificate: demo/hgz-100x70.pdf   码包 / code file for a print shop: demo/codes-1-100.csv"
echo "带合格证二维码的批次标签（一码两用）/ the lot label with the certificate's QR: demo/lot-label-with-hgz.pdf"
echo "月度报表 / monthly report: demo/monthly.xlsx"

echo "== 7. 控制台账号 / console accounts =="
# One-time passwords made now, by the registry's own generator: none is built into the binary.
admin_pw=$(json user add --username bureau.admin --role bureau-admin | field initial_password)
clerk_pw=$(json user add --username nanxi.clerk --role clerk --org "$org" | field initial_password)
at user list

first_unit=$(sqlite3 "$AGRITRACE_DB" "SELECT u.code FROM units u JOIN lots l ON l.id = u.lot_id WHERE l.code = '$green' AND u.serial = 1")
echo
echo "== 8. 扫码验真与控制台 / the verify page and the console =="
echo "演示标签的验真页 / a demo label's page:  http://127.0.0.1:8080/q/$first_unit"
echo "批次码页 / the lot code's page:          http://127.0.0.1:8080/q/$gi"
echo "合格证 / the certificate's page:          http://127.0.0.1:8080/h/$hgz"
echo "JSON:                                    http://127.0.0.1:8080/api/v1/verify/$first_unit"
echo
echo "控制台 / console:                         http://127.0.0.1:8080/console/"
echo "  农业农村局管理员 / bureau admin:  bureau.admin  一次性密码 / one-time password: $admin_pw"
echo "  合作社文员 / cooperative clerk:   nanxi.clerk   一次性密码 / one-time password: $clerk_pw"
echo "  （首次登录须改密码 / each must set a new password at first sign-in）"
if [ "$serve" = 1 ]; then
  exec "$bin" serve --listen 127.0.0.1:8080
fi
